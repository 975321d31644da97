#include "src/account_store.hpp"

#include "src/postgres_account_store.hpp"
#include "src/sqlite_account_store.hpp"

namespace natter {

Result<std::unique_ptr<AccountStore>> AccountStore::open(const Config::Accounts& config) {
    if (!config.postgres.empty()) return PostgresAccountStore::open(config.postgres);
    return SqliteAccountStore::open(config.database);
}

}  // namespace natter
