// The durable record of accounts (name → argon2id hash) and bans, in one
// SQLite file. Knows nothing of sessions, rooms or the event loop. Every
// method is safe to call from any thread (one connection behind a mutex), and
// every method may wait for the disk: call them from Background work, except
// at start-up before the loop runs.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace natter {

struct Account {
    std::string name;  // as registered (its case is kept)
    std::string hash;  // argon2id string from hash_password()
};

struct Ban {
    std::string target;                  // a name (any case) or a numeric address
    bool is_address = false;
    std::optional<std::int64_t> expires;  // Unix seconds; nullopt = never
    std::string reason;
    std::string by;  // the operator's name
};

class AccountStore {
public:
    // The schema this build writes. A database with a newer one is refused.
    static constexpr int schema_version = 1;

    // Opens (creating the file, its directory and the schema on first use)
    // the database at `path`, in WAL mode with synchronous=FULL.
    [[nodiscard]] static Result<std::unique_ptr<AccountStore>> open(const std::string& path);
    ~AccountStore();
    AccountStore(const AccountStore&) = delete;
    AccountStore& operator=(const AccountStore&) = delete;

    [[nodiscard]] Result<int> stored_schema_version();

    // The account of `name` (case-insensitive), or nullopt.
    [[nodiscard]] Result<std::optional<Account>> find(std::string_view name);
    // False if the name (case-insensitively) is registered already.
    [[nodiscard]] Result<bool> create(std::string_view name, std::string_view hash);
    // False if there is no such account.
    [[nodiscard]] Result<bool> set_hash(std::string_view name, std::string_view hash);
    // Every registered name, as registered.
    [[nodiscard]] Result<std::vector<std::string>> names();

    // Adds a ban, replacing any ban on the same target.
    [[nodiscard]] Result<void> put_ban(const Ban& ban);
    // False if the target was not banned.
    [[nodiscard]] Result<bool> remove_ban(std::string_view target);
    [[nodiscard]] Result<std::vector<Ban>> bans();

private:
    explicit AccountStore(sqlite3* db) : db_{db} {}
    [[nodiscard]] Result<void> prepare_statements();
    [[nodiscard]] Result<void> migrate();
    [[nodiscard]] Error error(std::string_view doing) const;

    std::mutex mutex_;  // one statement at a time on the one connection
    sqlite3* db_;
    sqlite3_stmt* find_ = nullptr;
    sqlite3_stmt* create_ = nullptr;
    sqlite3_stmt* set_hash_ = nullptr;
    sqlite3_stmt* names_ = nullptr;
    sqlite3_stmt* put_ban_ = nullptr;
    sqlite3_stmt* remove_ban_ = nullptr;
    sqlite3_stmt* bans_ = nullptr;
    sqlite3_stmt* version_ = nullptr;
};

}  // namespace natter
