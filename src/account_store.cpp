#include "src/account_store.hpp"

#include <ctime>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>
#include <sqlite3.h>

#include "src/names.hpp"

namespace natter {
namespace {

// Applied in one transaction when the file has no schema yet. A later
// version adds a step here and bumps AccountStore::schema_version.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    name_key TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    hash     TEXT NOT NULL,
    created  INTEGER NOT NULL,
    updated  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bans (
    target_key TEXT PRIMARY KEY,
    target     TEXT NOT NULL,
    is_address INTEGER NOT NULL,
    expires    INTEGER,
    reason     TEXT NOT NULL,
    banned_by  TEXT NOT NULL,
    created    INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// Resets a statement when a method leaves, whichever way it leaves.
struct ResetOnExit {
    sqlite3_stmt* statement;
    ~ResetOnExit() {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
    }
};

void bind_text(sqlite3_stmt* statement, int index, std::string_view text) {
    sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* statement, int index) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, index));
    return text == nullptr ? std::string{} : std::string{text, static_cast<std::size_t>(sqlite3_column_bytes(statement, index))};
}

}  // namespace

Result<std::unique_ptr<AccountStore>> AccountStore::open(const std::string& path) {
    const std::filesystem::path file{path};
    if (file.has_parent_path()) {
        std::error_code ignored;
        std::filesystem::create_directories(file.parent_path(), ignored);  // open() reports the real problem
    }
    sqlite3* db = nullptr;
    const int status = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                       nullptr);
    if (status != SQLITE_OK) {
        auto message = fmt::format("[accounts] database \"{}\": {}", path,
                                   db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(status));
        sqlite3_close(db);
        return fail(std::move(message));
    }
    std::unique_ptr<AccountStore> store{new AccountStore{db}};
    // WAL: readers never wait for the writer, and a crash mid-write leaves
    // the last committed state. synchronous=FULL: a commit is fsynced before
    // it returns, so what a user was told is stored survives a power cut
    // too, not only kill -9 (NORMAL would survive only the latter). Writes
    // are rare (register, password, bans) and run off the loop, so the fsync
    // costs no one anything.
    char* message = nullptr;
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr,
                     &message) != SQLITE_OK) {
        const std::string reason = message != nullptr ? message : "unknown error";
        sqlite3_free(message);
        return fail(fmt::format("[accounts] database \"{}\": {}", path, reason));
    }
    sqlite3_busy_timeout(db, 5000);
    if (auto migrated = store->migrate(); !migrated) {
        return fail(fmt::format("[accounts] database \"{}\": {}", path, migrated.error().message));
    }
    if (auto prepared = store->prepare_statements(); !prepared) {
        return fail(fmt::format("[accounts] database \"{}\": {}", path, prepared.error().message));
    }
    return store;
}

AccountStore::~AccountStore() {
    for (auto* statement : {find_, create_, set_hash_, names_, put_ban_, remove_ban_, bans_, version_}) {
        sqlite3_finalize(statement);
    }
    sqlite3_close(db_);
}

Error AccountStore::error(std::string_view doing) const {
    return Error{fmt::format("{}: {}", doing, sqlite3_errmsg(db_))};
}

Result<void> AccountStore::migrate() {
    // One IMMEDIATE transaction: two servers starting on a new file cannot
    // both create the schema, and a crash leaves either nothing or all of it.
    auto exec = [this](const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; };
    if (!exec("BEGIN IMMEDIATE")) return tl::unexpected{error("cannot start the schema transaction")};
    if (!exec(schema_v1)) {
        auto failure = error("cannot create the schema");
        exec("ROLLBACK");
        return tl::unexpected{failure};
    }
    sqlite3_stmt* read = nullptr;
    sqlite3_prepare_v2(db_, "SELECT max(version) FROM schema_version", -1, &read, nullptr);
    int stored = 0;
    if (read != nullptr && sqlite3_step(read) == SQLITE_ROW) stored = sqlite3_column_int(read, 0);
    sqlite3_finalize(read);
    if (stored > schema_version) {
        exec("ROLLBACK");
        return fail(fmt::format("schema version {} is newer than this natterd understands ({})", stored, schema_version));
    }
    if (stored < schema_version &&
        !exec(fmt::format("DELETE FROM schema_version; INSERT INTO schema_version VALUES ({})", schema_version).c_str())) {
        auto failure = error("cannot record the schema version");
        exec("ROLLBACK");
        return tl::unexpected{failure};
    }
    if (!exec("COMMIT")) {
        auto failure = error("cannot commit the schema");
        exec("ROLLBACK");
        return tl::unexpected{failure};
    }
    return {};
}

Result<void> AccountStore::prepare_statements() {
    const std::pair<sqlite3_stmt**, const char*> statements[] = {
        {&find_, "SELECT name, hash FROM accounts WHERE name_key = ?1"},
        {&create_, "INSERT OR IGNORE INTO accounts (name_key, name, hash, created, updated) VALUES (?1, ?2, ?3, ?4, ?4)"},
        {&set_hash_, "UPDATE accounts SET hash = ?2, updated = ?3 WHERE name_key = ?1"},
        {&names_, "SELECT name FROM accounts ORDER BY name_key"},
        {&put_ban_, "INSERT OR REPLACE INTO bans (target_key, target, is_address, expires, reason, banned_by, created) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
        {&remove_ban_, "DELETE FROM bans WHERE target_key = ?1"},
        {&bans_, "SELECT target, is_address, expires, reason, banned_by FROM bans ORDER BY created, target_key"},
        {&version_, "SELECT max(version) FROM schema_version"},
    };
    for (const auto& [slot, sql] : statements) {
        if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, nullptr) != SQLITE_OK) {
            return tl::unexpected{error("cannot prepare a statement")};
        }
    }
    return {};
}

Result<int> AccountStore::stored_schema_version() {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{version_};
    if (sqlite3_step(version_) != SQLITE_ROW) return tl::unexpected{error("cannot read the schema version")};
    return sqlite3_column_int(version_, 0);
}

Result<std::optional<Account>> AccountStore::find(std::string_view name) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{find_};
    bind_text(find_, 1, name_key(name));
    switch (sqlite3_step(find_)) {
    case SQLITE_ROW:
        return Account{column_text(find_, 0), column_text(find_, 1)};
    case SQLITE_DONE:
        return std::optional<Account>{};
    default:
        return tl::unexpected{error("cannot read an account")};
    }
}

Result<bool> AccountStore::create(std::string_view name, std::string_view hash) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{create_};
    bind_text(create_, 1, name_key(name));
    bind_text(create_, 2, name);
    bind_text(create_, 3, hash);
    sqlite3_bind_int64(create_, 4, unix_now());
    if (sqlite3_step(create_) != SQLITE_DONE) return tl::unexpected{error("cannot store an account")};
    return sqlite3_changes(db_) == 1;
}

Result<bool> AccountStore::set_hash(std::string_view name, std::string_view hash) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{set_hash_};
    bind_text(set_hash_, 1, name_key(name));
    bind_text(set_hash_, 2, hash);
    sqlite3_bind_int64(set_hash_, 3, unix_now());
    if (sqlite3_step(set_hash_) != SQLITE_DONE) return tl::unexpected{error("cannot change a password")};
    return sqlite3_changes(db_) == 1;
}

Result<std::vector<std::string>> AccountStore::names() {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{names_};
    std::vector<std::string> out;
    int status = SQLITE_ROW;
    while ((status = sqlite3_step(names_)) == SQLITE_ROW) out.push_back(column_text(names_, 0));
    if (status != SQLITE_DONE) return tl::unexpected{error("cannot list the accounts")};
    return out;
}

Result<void> AccountStore::put_ban(const Ban& ban) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{put_ban_};
    bind_text(put_ban_, 1, name_key(ban.target));
    bind_text(put_ban_, 2, ban.target);
    sqlite3_bind_int(put_ban_, 3, ban.is_address ? 1 : 0);
    if (ban.expires) {
        sqlite3_bind_int64(put_ban_, 4, *ban.expires);
    } else {
        sqlite3_bind_null(put_ban_, 4);
    }
    bind_text(put_ban_, 5, ban.reason);
    bind_text(put_ban_, 6, ban.by);
    sqlite3_bind_int64(put_ban_, 7, unix_now());
    if (sqlite3_step(put_ban_) != SQLITE_DONE) return tl::unexpected{error("cannot store a ban")};
    return {};
}

Result<bool> AccountStore::remove_ban(std::string_view target) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{remove_ban_};
    bind_text(remove_ban_, 1, name_key(target));
    if (sqlite3_step(remove_ban_) != SQLITE_DONE) return tl::unexpected{error("cannot remove a ban")};
    return sqlite3_changes(db_) == 1;
}

Result<std::vector<Ban>> AccountStore::bans() {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{bans_};
    std::vector<Ban> out;
    int status = SQLITE_ROW;
    while ((status = sqlite3_step(bans_)) == SQLITE_ROW) {
        Ban ban;
        ban.target = column_text(bans_, 0);
        ban.is_address = sqlite3_column_int(bans_, 1) != 0;
        if (sqlite3_column_type(bans_, 2) != SQLITE_NULL) ban.expires = sqlite3_column_int64(bans_, 2);
        ban.reason = column_text(bans_, 3);
        ban.by = column_text(bans_, 4);
        out.push_back(std::move(ban));
    }
    if (status != SQLITE_DONE) return tl::unexpected{error("cannot list the bans")};
    return out;
}

}  // namespace natter
