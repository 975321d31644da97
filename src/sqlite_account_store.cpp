#include "src/sqlite_account_store.hpp"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <iterator>
#include <system_error>

#include <fmt/format.h>
#include <sqlite3.h>

#include "src/names.hpp"

namespace natter {
namespace {

// The schema, as the steps that build it: step N takes a file at version
// N-1 to version N. A file is upgraded by running, in one transaction, the
// steps after its version, so a crash mid-upgrade leaves the old version
// whole. A step that has shipped is never edited (files out there were
// built by it); a change is a new step, and schema_version follows it.
//
// Tables added later for what belongs to an account (mail, settings)
// reference accounts(name_key) ON DELETE CASCADE: foreign keys are on, so
// removing an account (unregister, deny, expiry) takes those rows with it.
struct MigrationStep {
    int version;
    const char* sql;
};

constexpr MigrationStep migration_steps[] = {
    {1, R"sql(
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
)sql"},
    // When each account was last used (expiry, the operators' listing) and
    // account requests waiting for approval. Accounts from before this step
    // count as used at the upgrade: their real last login is unknown, and
    // turning expiry on must not remove them before they had a chance.
    {2, R"sql(
ALTER TABLE accounts ADD COLUMN last_login INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN approved INTEGER NOT NULL DEFAULT 1;
UPDATE accounts SET last_login = CAST(strftime('%s', 'now') AS INTEGER);
)sql"},
    // Per-account settings (the `client` command's, and more), by key.
    {3, R"sql(
CREATE TABLE IF NOT EXISTS account_settings (
    name_key TEXT NOT NULL REFERENCES accounts(name_key) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (name_key, key)
) WITHOUT ROWID;
)sql"},
    // What the talker keeps of its users' lives: when each account was last
    // here and how long it has been online in all (accounts from before
    // this step start from nothing: the past is unknown), the mail left for
    // it, and the permanent rooms' topics (by room, not by account).
    {4, R"sql(
ALTER TABLE accounts ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN time_online INTEGER NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS mail (
    id       INTEGER PRIMARY KEY,
    name_key TEXT NOT NULL REFERENCES accounts(name_key) ON DELETE CASCADE,
    sender   TEXT NOT NULL,
    sent     INTEGER NOT NULL,
    body     TEXT NOT NULL,
    unread   INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS mail_by_owner ON mail (name_key, id);
CREATE TABLE IF NOT EXISTS room_topics (
    room_key TEXT PRIMARY KEY,
    room     TEXT NOT NULL,
    topic    TEXT NOT NULL,
    set_by   TEXT NOT NULL,
    set_at   INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
};

constexpr bool steps_in_order() {
    int version = 0;
    for (const auto& step : migration_steps) {
        if (step.version != ++version) return false;
    }
    return version == SqliteAccountStore::schema_version;
}
static_assert(steps_in_order(), "one migration step per schema version, in order");

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

Result<std::unique_ptr<AccountStore>> SqliteAccountStore::open(const std::string& path) {
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
    std::unique_ptr<SqliteAccountStore> store{new SqliteAccountStore{db}};
    // WAL: readers never wait for the writer, and a crash mid-write leaves
    // the last committed state. synchronous=FULL: a commit is fsynced before
    // it returns, so what a user was told is stored survives a power cut
    // too, not only kill -9 (NORMAL would survive only the latter). Writes
    // are rare (register, password, bans) and run off the loop, so the fsync
    // costs no one anything.
    // Before anything that locks: several nodes of a cluster may open (and
    // create) one file at the same moment, and the schema's first write
    // must wait for another's, not fail with "database is locked".
    sqlite3_busy_timeout(db, 5000);
    char* message = nullptr;
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", nullptr, nullptr,
                     &message) != SQLITE_OK) {
        const std::string reason = message != nullptr ? message : "unknown error";
        sqlite3_free(message);
        return fail(fmt::format("[accounts] database \"{}\": {}", path, reason));
    }
    if (auto migrated = store->migrate(); !migrated) {
        return fail(fmt::format("[accounts] database \"{}\": {}", path, migrated.error().message));
    }
    if (auto prepared = store->prepare_statements(); !prepared) {
        return fail(fmt::format("[accounts] database \"{}\": {}", path, prepared.error().message));
    }
    return store;
}

SqliteAccountStore::~SqliteAccountStore() {
    for (auto* statement : {find_, create_, set_hash_, record_login_, approve_, remove_, expiring_, names_, list_,
                            count_, put_ban_, remove_ban_, bans_, version_, settings_, put_setting_, remove_setting_,
                            card_, record_logout_, put_mail_, mail_, mail_at_, mark_read_, delete_mail_,
                            delete_all_mail_, unread_mail_, topics_, put_topic_, remove_topic_}) {
        sqlite3_finalize(statement);
    }
    sqlite3_close(db_);
}

Error SqliteAccountStore::error(std::string_view doing) const {
    return Error{fmt::format("{}: {}", doing, sqlite3_errmsg(db_))};
}

bool SqliteAccountStore::exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

void SqliteAccountStore::rollback() { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }

Result<void> SqliteAccountStore::migrate() {
    // One IMMEDIATE transaction: two servers starting on one file cannot
    // both upgrade it, and a crash leaves the old version or the new one.
    if (!exec("BEGIN IMMEDIATE")) return tl::unexpected{error("cannot start the schema transaction")};
    auto abandon = [this](Error failure) -> Result<void> {
        rollback();
        return tl::unexpected{std::move(failure)};
    };
    int stored = 0;
    {
        sqlite3_stmt* read = nullptr;
        // A new file has no version table: version 0.
        const char* sql =
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version') "
            "THEN 1 ELSE 0 END";
        if (sqlite3_prepare_v2(db_, sql, -1, &read, nullptr) != SQLITE_OK) {
            return abandon(error("cannot read the schema version"));
        }
        const bool has_table = sqlite3_step(read) == SQLITE_ROW && sqlite3_column_int(read, 0) == 1;
        sqlite3_finalize(read);
        if (has_table) {
            if (sqlite3_prepare_v2(db_, "SELECT coalesce(max(version), 0) FROM schema_version", -1, &read, nullptr) !=
                SQLITE_OK) {
                return abandon(error("cannot read the schema version"));
            }
            if (sqlite3_step(read) == SQLITE_ROW) stored = sqlite3_column_int(read, 0);
            sqlite3_finalize(read);
        }
    }
    if (stored > schema_version) {
        rollback();
        return fail(fmt::format("schema version {} is newer than this natterd understands ({})", stored, schema_version));
    }
    upgraded_from_ = stored;
    for (const auto& step : migration_steps) {
        if (step.version <= stored) continue;
        if (!exec(step.sql)) return abandon(error(fmt::format("cannot upgrade the schema to version {}", step.version)));
    }
    if (stored < schema_version &&
        !exec(fmt::format("DELETE FROM schema_version; INSERT INTO schema_version VALUES ({})", schema_version).c_str())) {
        return abandon(error("cannot record the schema version"));
    }
    if (!exec("COMMIT")) return abandon(error("cannot commit the schema"));
    return {};
}

Result<void> SqliteAccountStore::prepare_statements() {
    const std::pair<sqlite3_stmt**, const char*> statements[] = {
        {&find_, "SELECT name, hash, approved FROM accounts WHERE name_key = ?1"},
        {&create_, "INSERT OR IGNORE INTO accounts (name_key, name, hash, created, updated, last_login, approved) "
                   "VALUES (?1, ?2, ?3, ?4, ?4, ?4, ?5)"},
        {&set_hash_, "UPDATE accounts SET hash = ?2, updated = ?3 WHERE name_key = ?1"},
        {&record_login_, "UPDATE accounts SET last_login = max(last_login, ?2) WHERE name_key = ?1"},
        {&approve_, "UPDATE accounts SET approved = 1 WHERE name_key = ?1 AND approved = 0"},
        {&remove_, "DELETE FROM accounts WHERE name_key = ?1 AND (?2 = 0 OR approved = 0)"},
        {&expiring_, "SELECT name_key, name FROM accounts WHERE last_login < ?1 ORDER BY name_key"},
        {&names_, "SELECT name FROM accounts ORDER BY name_key"},
        {&list_, "SELECT name, created, last_login, approved FROM accounts "
                 "WHERE substr(name_key, 1, length(?1)) = ?1 AND (?3 = 0 OR approved = 0) ORDER BY name_key LIMIT ?2"},
        {&count_, "SELECT count(*) FROM accounts WHERE substr(name_key, 1, length(?1)) = ?1 AND (?2 = 0 OR approved = 0)"},
        {&put_ban_, "INSERT OR REPLACE INTO bans (target_key, target, is_address, expires, reason, banned_by, created) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
        {&remove_ban_, "DELETE FROM bans WHERE target_key = ?1"},
        {&bans_, "SELECT target, is_address, expires, reason, banned_by FROM bans ORDER BY created, target_key"},
        {&version_, "SELECT max(version) FROM schema_version"},
        {&settings_, "SELECT key, value FROM account_settings WHERE name_key = ?1 ORDER BY key"},
        {&put_setting_, "INSERT OR REPLACE INTO account_settings (name_key, key, value) "
                        "SELECT name_key, ?2, ?3 FROM accounts WHERE name_key = ?1"},
        {&remove_setting_, "DELETE FROM account_settings WHERE name_key = ?1 AND key = ?2"},
        {&card_, "SELECT name, created, last_login, last_seen, time_online, approved FROM accounts WHERE name_key = ?1"},
        {&record_logout_, "UPDATE accounts SET last_seen = max(last_seen, ?2), time_online = time_online + ?3 "
                          "WHERE name_key = ?1"},
        // The count and the insert in one statement: two senders racing for
        // the last place cannot both take it.
        {&put_mail_, "INSERT INTO mail (name_key, sender, sent, body) SELECT name_key, ?2, ?3, ?4 FROM accounts "
                     "WHERE name_key = ?1 AND (SELECT count(*) FROM mail WHERE name_key = ?1) < ?5"},
        {&mail_, "SELECT id, sender, sent, body, unread FROM mail WHERE name_key = ?1 ORDER BY id"},
        {&mail_at_, "SELECT id, sender, sent, body, unread FROM mail WHERE name_key = ?1 ORDER BY id LIMIT 1 OFFSET ?2"},
        {&mark_read_, "UPDATE mail SET unread = 0 WHERE id = ?1"},
        {&delete_mail_, "DELETE FROM mail WHERE id = "
                        "(SELECT id FROM mail WHERE name_key = ?1 ORDER BY id LIMIT 1 OFFSET ?2)"},
        {&delete_all_mail_, "DELETE FROM mail WHERE name_key = ?1"},
        {&unread_mail_, "SELECT count(*) FROM mail WHERE name_key = ?1 AND unread = 1"},
        {&topics_, "SELECT room, topic, set_by, set_at FROM room_topics ORDER BY room_key"},
        {&put_topic_, "INSERT OR REPLACE INTO room_topics (room_key, room, topic, set_by, set_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)"},
        {&remove_topic_, "DELETE FROM room_topics WHERE room_key = ?1"},
    };
    for (const auto& [slot, sql] : statements) {
        if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, nullptr) != SQLITE_OK) {
            return tl::unexpected{error("cannot prepare a statement")};
        }
    }
    return {};
}

Result<int> SqliteAccountStore::stored_schema_version() {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{version_};
    if (sqlite3_step(version_) != SQLITE_ROW) return tl::unexpected{error("cannot read the schema version")};
    return sqlite3_column_int(version_, 0);
}

Result<std::optional<Account>> SqliteAccountStore::find(std::string_view name) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{find_};
    bind_text(find_, 1, name_key(name));
    switch (sqlite3_step(find_)) {
    case SQLITE_ROW:
        return Account{column_text(find_, 0), column_text(find_, 1), sqlite3_column_int(find_, 2) != 0};
    case SQLITE_DONE:
        return std::optional<Account>{};
    default:
        return tl::unexpected{error("cannot read an account")};
    }
}

Result<bool> SqliteAccountStore::create(std::string_view name, std::string_view hash, std::int64_t now, bool approved) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{create_};
    bind_text(create_, 1, name_key(name));
    bind_text(create_, 2, name);
    bind_text(create_, 3, hash);
    sqlite3_bind_int64(create_, 4, now);
    sqlite3_bind_int(create_, 5, approved ? 1 : 0);
    if (sqlite3_step(create_) != SQLITE_DONE) return tl::unexpected{error("cannot store an account")};
    return sqlite3_changes(db_) == 1;
}

Result<bool> SqliteAccountStore::set_hash(std::string_view name, std::string_view hash) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{set_hash_};
    bind_text(set_hash_, 1, name_key(name));
    bind_text(set_hash_, 2, hash);
    sqlite3_bind_int64(set_hash_, 3, unix_now());
    if (sqlite3_step(set_hash_) != SQLITE_DONE) return tl::unexpected{error("cannot change a password")};
    return sqlite3_changes(db_) == 1;
}

Result<bool> SqliteAccountStore::record_login(std::string_view name, std::int64_t now) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{record_login_};
    bind_text(record_login_, 1, name_key(name));
    sqlite3_bind_int64(record_login_, 2, now);
    if (sqlite3_step(record_login_) != SQLITE_DONE) return tl::unexpected{error("cannot record a login")};
    return sqlite3_changes(db_) == 1;
}

Result<bool> SqliteAccountStore::approve(std::string_view name) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{approve_};
    bind_text(approve_, 1, name_key(name));
    if (sqlite3_step(approve_) != SQLITE_DONE) return tl::unexpected{error("cannot approve an account")};
    return sqlite3_changes(db_) == 1;
}

Result<bool> SqliteAccountStore::remove(std::string_view name, Which which) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{remove_};
    bind_text(remove_, 1, name_key(name));
    sqlite3_bind_int(remove_, 2, which == Which::request ? 1 : 0);
    if (sqlite3_step(remove_) != SQLITE_DONE) return tl::unexpected{error("cannot remove an account")};
    return sqlite3_changes(db_) == 1;
}

Result<std::vector<std::string>> SqliteAccountStore::expire(std::int64_t cutoff, const std::vector<std::string>& keep) {
    const std::lock_guard lock{mutex_};
    // One transaction: the sweep is all done or not at all, with one fsync.
    if (!exec("BEGIN IMMEDIATE")) return tl::unexpected{error("cannot start expiring accounts")};
    std::vector<std::pair<std::string, std::string>> due;  // key, name
    {
        const ResetOnExit reset{expiring_};
        sqlite3_bind_int64(expiring_, 1, cutoff);
        int status = SQLITE_ROW;
        while ((status = sqlite3_step(expiring_)) == SQLITE_ROW) {
            auto key = column_text(expiring_, 0);
            if (std::find(keep.begin(), keep.end(), key) == keep.end()) due.emplace_back(std::move(key), column_text(expiring_, 1));
        }
        if (status != SQLITE_DONE) {
            auto failure = error("cannot list the accounts to expire");
            rollback();
            return tl::unexpected{failure};
        }
    }
    std::vector<std::string> removed;
    for (auto& [key, name] : due) {
        const ResetOnExit reset{remove_};
        bind_text(remove_, 1, key);
        sqlite3_bind_int(remove_, 2, 0);
        if (sqlite3_step(remove_) != SQLITE_DONE) {
            auto failure = error("cannot expire an account");
            rollback();
            return tl::unexpected{failure};
        }
        removed.push_back(std::move(name));
    }
    if (!exec("COMMIT")) {
        auto failure = error("cannot commit expired accounts");
        rollback();
        return tl::unexpected{failure};
    }
    return removed;
}

Result<std::vector<std::string>> SqliteAccountStore::names() {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{names_};
    std::vector<std::string> out;
    int status = SQLITE_ROW;
    while ((status = sqlite3_step(names_)) == SQLITE_ROW) out.push_back(column_text(names_, 0));
    if (status != SQLITE_DONE) return tl::unexpected{error("cannot list the accounts")};
    return out;
}

Result<AccountPage> SqliteAccountStore::list(std::string_view prefix, std::size_t limit, Which which) {
    const std::lock_guard lock{mutex_};
    const auto key = name_key(prefix);
    const int requests_only = which == Which::request ? 1 : 0;
    AccountPage page;
    {
        const ResetOnExit reset{count_};
        bind_text(count_, 1, key);
        sqlite3_bind_int(count_, 2, requests_only);
        if (sqlite3_step(count_) != SQLITE_ROW) return tl::unexpected{error("cannot count the accounts")};
        page.total = static_cast<std::size_t>(sqlite3_column_int64(count_, 0));
    }
    const ResetOnExit reset{list_};
    bind_text(list_, 1, key);
    sqlite3_bind_int64(list_, 2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    sqlite3_bind_int(list_, 3, requests_only);
    int status = SQLITE_ROW;
    while ((status = sqlite3_step(list_)) == SQLITE_ROW) {
        page.accounts.push_back(AccountInfo{.name = column_text(list_, 0),
                                            .created = sqlite3_column_int64(list_, 1),
                                            .last_login = sqlite3_column_int64(list_, 2),
                                            .approved = sqlite3_column_int(list_, 3) != 0});
    }
    if (status != SQLITE_DONE) return tl::unexpected{error("cannot list the accounts")};
    return page;
}

Result<void> SqliteAccountStore::put_ban(const Ban& ban) {
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

Result<bool> SqliteAccountStore::remove_ban(std::string_view target) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{remove_ban_};
    bind_text(remove_ban_, 1, name_key(target));
    if (sqlite3_step(remove_ban_) != SQLITE_DONE) return tl::unexpected{error("cannot remove a ban")};
    return sqlite3_changes(db_) == 1;
}

Result<std::vector<Ban>> SqliteAccountStore::bans() {
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

Result<SqliteAccountStore::Settings> SqliteAccountStore::settings(std::string_view name) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{settings_};
    bind_text(settings_, 1, name_key(name));
    Settings out;
    int status = SQLITE_ROW;
    while ((status = sqlite3_step(settings_)) == SQLITE_ROW) {
        out.emplace_back(column_text(settings_, 0), column_text(settings_, 1));
    }
    if (status != SQLITE_DONE) return tl::unexpected{error("cannot read the settings")};
    return out;
}

Result<bool> SqliteAccountStore::put_setting(std::string_view name, std::string_view key, std::string_view value) {
    const std::lock_guard lock{mutex_};
    auto* statement = value.empty() ? remove_setting_ : put_setting_;
    const ResetOnExit reset{statement};
    bind_text(statement, 1, name_key(name));
    bind_text(statement, 2, key);
    if (!value.empty()) bind_text(statement, 3, value);
    if (sqlite3_step(statement) != SQLITE_DONE) return tl::unexpected{error("cannot store a setting")};
    return value.empty() || sqlite3_changes(db_) == 1;
}

namespace {

// A message read from the current row of one of the mail statements.
SqliteAccountStore::Mail mail_row(sqlite3_stmt* statement) {
    return SqliteAccountStore::Mail{.id = sqlite3_column_int64(statement, 0),
                              .sender = column_text(statement, 1),
                              .sent = sqlite3_column_int64(statement, 2),
                              .body = column_text(statement, 3),
                              .unread = sqlite3_column_int(statement, 4) != 0};
}

std::int64_t clamp_index(std::size_t index) { return static_cast<std::int64_t>(std::min<std::size_t>(index, INT64_MAX)); }

}  // namespace

Result<std::optional<SqliteAccountStore::Card>> SqliteAccountStore::card(std::string_view name) {
    const std::lock_guard lock{mutex_};
    Card card;
    {
        const ResetOnExit reset{card_};
        bind_text(card_, 1, name_key(name));
        switch (sqlite3_step(card_)) {
        case SQLITE_ROW:
            card.name = column_text(card_, 0);
            card.created = sqlite3_column_int64(card_, 1);
            card.last_login = sqlite3_column_int64(card_, 2);
            card.last_seen = sqlite3_column_int64(card_, 3);
            card.time_online = sqlite3_column_int64(card_, 4);
            card.approved = sqlite3_column_int(card_, 5) != 0;
            break;
        case SQLITE_DONE:
            return std::optional<Card>{};
        default:
            return tl::unexpected{error("cannot read an account")};
        }
    }
    const ResetOnExit reset{settings_};
    bind_text(settings_, 1, name_key(name));
    int status = SQLITE_ROW;
    while ((status = sqlite3_step(settings_)) == SQLITE_ROW) {
        card.settings.emplace_back(column_text(settings_, 0), column_text(settings_, 1));
    }
    if (status != SQLITE_DONE) return tl::unexpected{error("cannot read the settings")};
    return card;
}

Result<void> SqliteAccountStore::record_logouts(const std::vector<Logout>& logouts) {
    const std::lock_guard lock{mutex_};
    // One transaction, one fsync, however many sessions ended together (a
    // shutdown ends them all).
    if (!exec("BEGIN IMMEDIATE")) return tl::unexpected{error("cannot start recording logouts")};
    for (const auto& logout : logouts) {
        const ResetOnExit reset{record_logout_};
        bind_text(record_logout_, 1, name_key(logout.name));
        sqlite3_bind_int64(record_logout_, 2, logout.at);
        sqlite3_bind_int64(record_logout_, 3, std::max<std::int64_t>(0, logout.seconds_online));
        if (sqlite3_step(record_logout_) != SQLITE_DONE) {
            auto failure = error("cannot record a logout");
            rollback();
            return tl::unexpected{failure};
        }
    }
    if (!exec("COMMIT")) {
        auto failure = error("cannot commit logouts");
        rollback();
        return tl::unexpected{failure};
    }
    return {};
}

Result<SqliteAccountStore::MailDrop> SqliteAccountStore::put_mail(std::string_view to, std::string_view sender,
                                                      std::string_view body, std::int64_t sent,
                                                      std::size_t mailbox_max) {
    const std::lock_guard lock{mutex_};
    {
        const ResetOnExit reset{put_mail_};
        bind_text(put_mail_, 1, name_key(to));
        bind_text(put_mail_, 2, sender);
        sqlite3_bind_int64(put_mail_, 3, sent);
        bind_text(put_mail_, 4, body);
        sqlite3_bind_int64(put_mail_, 5, clamp_index(mailbox_max));
        if (sqlite3_step(put_mail_) != SQLITE_DONE) return tl::unexpected{error("cannot store mail")};
        if (sqlite3_changes(db_) == 1) return MailDrop::stored;
    }
    // Nothing stored: no such account, or its mailbox is full.
    const ResetOnExit reset{find_};
    bind_text(find_, 1, name_key(to));
    switch (sqlite3_step(find_)) {
    case SQLITE_ROW:
        return MailDrop::mailbox_full;
    case SQLITE_DONE:
        return MailDrop::no_account;
    default:
        return tl::unexpected{error("cannot read an account")};
    }
}

Result<std::vector<SqliteAccountStore::Mail>> SqliteAccountStore::mail(std::string_view name) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{mail_};
    bind_text(mail_, 1, name_key(name));
    std::vector<Mail> out;
    int status = SQLITE_ROW;
    while ((status = sqlite3_step(mail_)) == SQLITE_ROW) out.push_back(mail_row(mail_));
    if (status != SQLITE_DONE) return tl::unexpected{error("cannot read mail")};
    return out;
}

Result<std::optional<SqliteAccountStore::Mail>> SqliteAccountStore::read_mail(std::string_view name, std::size_t index) {
    const std::lock_guard lock{mutex_};
    Mail found;
    {
        const ResetOnExit reset{mail_at_};
        bind_text(mail_at_, 1, name_key(name));
        sqlite3_bind_int64(mail_at_, 2, clamp_index(index));
        switch (sqlite3_step(mail_at_)) {
        case SQLITE_ROW:
            found = mail_row(mail_at_);
            break;
        case SQLITE_DONE:
            return std::optional<Mail>{};
        default:
            return tl::unexpected{error("cannot read mail")};
        }
    }
    if (found.unread) {
        const ResetOnExit reset{mark_read_};
        sqlite3_bind_int64(mark_read_, 1, found.id);
        if (sqlite3_step(mark_read_) != SQLITE_DONE) return tl::unexpected{error("cannot mark mail read")};
    }
    return found;
}

Result<bool> SqliteAccountStore::delete_mail(std::string_view name, std::size_t index) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{delete_mail_};
    bind_text(delete_mail_, 1, name_key(name));
    sqlite3_bind_int64(delete_mail_, 2, clamp_index(index));
    if (sqlite3_step(delete_mail_) != SQLITE_DONE) return tl::unexpected{error("cannot delete mail")};
    return sqlite3_changes(db_) == 1;
}

Result<std::size_t> SqliteAccountStore::delete_all_mail(std::string_view name) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{delete_all_mail_};
    bind_text(delete_all_mail_, 1, name_key(name));
    if (sqlite3_step(delete_all_mail_) != SQLITE_DONE) return tl::unexpected{error("cannot delete mail")};
    return static_cast<std::size_t>(sqlite3_changes(db_));
}

Result<std::size_t> SqliteAccountStore::unread_mail(std::string_view name) {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{unread_mail_};
    bind_text(unread_mail_, 1, name_key(name));
    if (sqlite3_step(unread_mail_) != SQLITE_ROW) return tl::unexpected{error("cannot count mail")};
    return static_cast<std::size_t>(sqlite3_column_int64(unread_mail_, 0));
}

Result<std::vector<RoomTopic>> SqliteAccountStore::topics() {
    const std::lock_guard lock{mutex_};
    const ResetOnExit reset{topics_};
    std::vector<RoomTopic> out;
    int status = SQLITE_ROW;
    while ((status = sqlite3_step(topics_)) == SQLITE_ROW) {
        out.push_back(RoomTopic{.room = column_text(topics_, 0),
                                .text = column_text(topics_, 1),
                                .by = column_text(topics_, 2),
                                .set_at = sqlite3_column_int64(topics_, 3)});
    }
    if (status != SQLITE_DONE) return tl::unexpected{error("cannot read the topics")};
    return out;
}

Result<void> SqliteAccountStore::put_topic(const RoomTopic& topic) {
    const std::lock_guard lock{mutex_};
    auto* statement = topic.text.empty() ? remove_topic_ : put_topic_;
    const ResetOnExit reset{statement};
    bind_text(statement, 1, name_key(topic.room));
    if (!topic.text.empty()) {
        bind_text(statement, 2, topic.room);
        bind_text(statement, 3, topic.text);
        bind_text(statement, 4, topic.by);
        sqlite3_bind_int64(statement, 5, topic.set_at);
    }
    if (sqlite3_step(statement) != SQLITE_DONE) return tl::unexpected{error("cannot store a topic")};
    return {};
}

}  // namespace natter
