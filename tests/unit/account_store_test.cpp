// AccountStore against both back ends: a real SQLite file in a temporary
// directory, and a real PostgreSQL database in a private cluster started
// for the test run (tests/support/postgres_server.hpp). Every behaviour is
// checked on both; the upgrades from schema versions only SQLite files ever
// had are checked on SQLite alone.
#include <doctest/doctest.h>

#include <ctime>
#include <filesystem>

#include <sqlite3.h>

#include "src/account_store.hpp"
#include "src/postgres_account_store.hpp"
#include "src/sqlite_account_store.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/unit/queue_background.hpp"

namespace natter {
namespace {

std::unique_ptr<AccountStore> open_store(const std::string& path) {
    auto store = SqliteAccountStore::open(path);
    REQUIRE_MESSAGE(store.has_value(), (store ? "" : store.error().message));
    return std::move(*store);
}

// Runs one SQL statement on its own connection and returns the first column
// of the first row as text.
std::string query(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_stmt* statement = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(statement, 0);
        if (text != nullptr) out = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return out;
}

// Runs SQL (several statements) on its own connection; false on error.
bool exec_sql(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return false;
    }
    const bool ok = sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

// The database exactly as natterd wrote it at schema version 1 (the first
// release with accounts): the same pragmas, tables and version row, with two
// accounts and a ban in it. Kept here as SQL rather than as a binary file so
// a reader can see what is being upgraded; `sqlite3 FILE .schema` of a file
// written by that natterd prints these same CREATE statements.
constexpr const char* schema_v1_database = R"sql(
PRAGMA journal_mode=WAL;
BEGIN;
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
DELETE FROM schema_version; INSERT INTO schema_version VALUES (1);
INSERT INTO accounts VALUES ('alice', 'Alice', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA', 1600000000, 1600000500);
INSERT INTO accounts VALUES ('bob', 'bob', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdDJzYWx0MnNh$aGFzaDI', 1650000000, 1650000000);
INSERT INTO bans VALUES ('mallory', 'Mallory', 0, NULL, 'spam', 'alice', 1650000100);
COMMIT;
)sql";

// The database as natterd wrote it at schema version 3 (accounts with their
// last login and approval, settings, bans): the CREATE statements are what
// `sqlite3 FILE .schema` prints for a file that the version-3 natterd made
// and upgraded, with an account, a request, a setting and a ban in it.
constexpr const char* schema_v3_database = R"sql(
PRAGMA journal_mode=WAL;
BEGIN;
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE accounts (
    name_key TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    hash     TEXT NOT NULL,
    created  INTEGER NOT NULL,
    updated  INTEGER NOT NULL
, last_login INTEGER NOT NULL DEFAULT 0, approved INTEGER NOT NULL DEFAULT 1) WITHOUT ROWID;
CREATE TABLE bans (
    target_key TEXT PRIMARY KEY,
    target     TEXT NOT NULL,
    is_address INTEGER NOT NULL,
    expires    INTEGER,
    reason     TEXT NOT NULL,
    banned_by  TEXT NOT NULL,
    created    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE account_settings (
    name_key TEXT NOT NULL REFERENCES accounts(name_key) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (name_key, key)
) WITHOUT ROWID;
INSERT INTO schema_version VALUES (3);
INSERT INTO accounts VALUES ('alice', 'Alice', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA', 1600000000, 1600000500, 1690000000, 1);
INSERT INTO accounts VALUES ('carol', 'carol', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdDJzYWx0MnNh$aGFzaDI', 1650000000, 1650000000, 1650000000, 0);
INSERT INTO account_settings VALUES ('alice', 'client', 'colour=256 width=100');
INSERT INTO bans VALUES ('mallory', 'Mallory', 0, NULL, 'spam', 'alice', 1650000100);
COMMIT;
)sql";

// A time in Unix seconds the tests treat as "now" (2023-11-14).
constexpr std::int64_t t0 = 1'700'000'000;
constexpr std::int64_t day = 86400;

// Where a test's store lives, one type per back end: open() opens it (again
// after a close: the data stays), sql() runs a statement on a connection of
// its own and returns the first column of the first row.
struct SqliteBackend {
    static constexpr bool is_sqlite = true;
    test::ScratchDir dir;
    std::string path = dir.file("natter.db");

    Result<std::unique_ptr<AccountStore>> try_open() { return SqliteAccountStore::open(path); }
    std::string sql(const char* statement) { return query(path, statement); }
    // A place no store can be opened, and what its error must name.
    static Result<std::unique_ptr<AccountStore>> open_unreachable(std::string& named) {
        named = "/proc/natter-cannot-be-here/x.db";
        return SqliteAccountStore::open(named);
    }
};

struct PostgresBackend {
    static constexpr bool is_sqlite = false;
    std::string database = test::shared_postgres().create_database();

    Result<std::unique_ptr<AccountStore>> try_open() {
        return PostgresAccountStore::open(test::shared_postgres().conninfo(database));
    }
    std::string sql(const char* statement) { return test::shared_postgres().query(database, statement); }
    static Result<std::unique_ptr<AccountStore>> open_unreachable(std::string& named) {
        // A port nothing listens on (it was free a moment ago).
        const auto port = std::to_string(test::free_port());
        named = "port " + port;  // as libpq's message says it
        return PostgresAccountStore::open("host=127.0.0.1 port=" + port + " dbname=nowhere user=natter");
    }
};

template <class Backend>
std::unique_ptr<AccountStore> open_store(Backend& backend) {
    auto store = backend.try_open();
    REQUIRE_MESSAGE(store.has_value(), (store ? "" : store.error().message));
    return std::move(*store);
}

}  // namespace
}  // namespace natter

// The back end's name in each case's name: "...<SQLite>", "...<PostgreSQL>".
TYPE_TO_STRING_AS("SQLite", natter::SqliteBackend);
TYPE_TO_STRING_AS("PostgreSQL", natter::PostgresBackend);
#define BACKENDS SqliteBackend, PostgresBackend

namespace natter {

TEST_CASE_TEMPLATE("AccountStore: a new database gets the schema version (a file also WAL mode and its directory)",
                   Backend, BACKENDS) {
    Backend backend;
    if constexpr (Backend::is_sqlite) backend.path = backend.dir.file("sub/dir/natter.db");
    auto store = open_store(backend);
    CHECK(store->upgraded_from() == 0);
    CHECK(store->stored_schema_version() == AccountStore::schema_version);
    CHECK(backend.sql("SELECT count(*) FROM schema_version") == "1");
    if constexpr (Backend::is_sqlite) {
        CHECK(std::filesystem::exists(backend.path));
        CHECK(backend.sql("PRAGMA journal_mode") == "wal");
    }
}

TEST_CASE_TEMPLATE("AccountStore: accounts are found case-insensitively and keep their case", Backend, BACKENDS) {
    Backend backend;
    auto store = open_store(backend);
    CHECK(store->find("Alice").value() == std::nullopt);
    CHECK(store->create("Alice", "$argon2id$fake1", t0).value());
    const auto found = store->find("aLICE").value();
    REQUIRE(found.has_value());
    CHECK(found->name == "Alice");
    CHECK(found->hash == "$argon2id$fake1");
}

TEST_CASE_TEMPLATE("AccountStore: a name registered twice (in any case) is refused the second time", Backend, BACKENDS) {
    Backend backend;
    auto store = open_store(backend);
    CHECK(store->create("bob", "h1", t0).value());
    CHECK_FALSE(store->create("BOB", "h2", t0).value());
    CHECK(store->find("bob").value()->hash == "h1");
}

TEST_CASE_TEMPLATE("AccountStore: set_hash changes an account and reports a missing one", Backend, BACKENDS) {
    Backend backend;
    auto store = open_store(backend);
    REQUIRE(store->create("carol", "old", t0).value());
    CHECK(store->set_hash("Carol", "new").value());
    CHECK(store->find("carol").value()->hash == "new");
    CHECK_FALSE(store->set_hash("nobody", "x").value());
}

TEST_CASE_TEMPLATE("AccountStore: accounts and bans survive closing and reopening the file", Backend, BACKENDS) {
    Backend backend;
    {
        auto store = open_store(backend);
        REQUIRE(store->create("dave", "h", t0).value());
        REQUIRE(store->create("Erin", "h", t0).value());
        REQUIRE(store->put_ban(Ban{.target = "Mallory", .is_address = false, .expires = std::nullopt,
                                   .reason = "spam", .by = "dave"}));
        REQUIRE(store->put_ban(Ban{.target = "10.0.0.9", .is_address = true, .expires = 4102444800,
                                   .reason = "", .by = "dave"}));
    }
    auto store = open_store(backend);
    CHECK(store->names().value() == std::vector<std::string>{"dave", "Erin"});
    auto bans = store->bans().value();
    REQUIRE(bans.size() == 2);
    if (bans[0].is_address) std::swap(bans[0], bans[1]);  // stored in the same second: order by target
    CHECK(bans[0].target == "Mallory");
    CHECK_FALSE(bans[0].is_address);
    CHECK_FALSE(bans[0].expires.has_value());
    CHECK(bans[0].reason == "spam");
    CHECK(bans[1].target == "10.0.0.9");
    CHECK(bans[1].is_address);
    CHECK(bans[1].expires == 4102444800);
}

TEST_CASE_TEMPLATE("AccountStore: a ban on the same target replaces the old one; removal reports what it did", Backend, BACKENDS) {
    Backend backend;
    auto store = open_store(backend);
    REQUIRE(store->put_ban(Ban{.target = "eve", .is_address = false, .expires = std::nullopt, .reason = "one", .by = "op"}));
    REQUIRE(store->put_ban(Ban{.target = "EVE", .is_address = false, .expires = std::nullopt, .reason = "two", .by = "op"}));
    const auto bans = store->bans().value();
    REQUIRE(bans.size() == 1);
    CHECK(bans[0].reason == "two");
    CHECK(store->remove_ban("Eve").value());
    CHECK_FALSE(store->remove_ban("eve").value());
    CHECK(store->bans().value().empty());
}

TEST_CASE_TEMPLATE("AccountStore: a database from a newer natterd is refused with a reason", Backend, BACKENDS) {
    Backend backend;
    { auto store = open_store(backend); }
    backend.sql("UPDATE schema_version SET version = 99");
    auto store = backend.try_open();
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().message.find("schema version 99") != std::string::npos);
    CHECK(store.error().message.find('\n') == std::string::npos);
}

TEST_CASE_TEMPLATE("AccountStore: a file that cannot be created (or a server not there) is an error naming it",
                   Backend, BACKENDS) {
    std::string named;
    auto store = Backend::open_unreachable(named);
    REQUIRE_FALSE(store.has_value());
    CHECK_MESSAGE(store.error().message.find(named) != std::string::npos, store.error().message);
    CHECK(store.error().message.find('\n') == std::string::npos);
}

TEST_CASE("SqliteAccountStore: a schema version 1 database is upgraded in place, keeping every account and ban") {
    test::ScratchDir dir;
    const auto path = dir.file("v1.db");
    REQUIRE(exec_sql(path, schema_v1_database));
    const auto before = static_cast<std::int64_t>(std::time(nullptr));
    auto store = open_store(path);
    const auto after = static_cast<std::int64_t>(std::time(nullptr));
    CHECK(store->upgraded_from() == 1);
    CHECK(store->stored_schema_version() == AccountStore::schema_version);
    CHECK(query(path, "SELECT count(*) FROM schema_version") == "1");

    const auto alice = store->find("ALICE").value();
    REQUIRE(alice.has_value());
    CHECK(alice->name == "Alice");
    CHECK(alice->hash == "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA");
    CHECK(alice->approved);  // accounts from before approval existed are accounts
    const auto page = store->list("", 10).value();
    REQUIRE(page.accounts.size() == 2);
    CHECK(page.accounts[0].created == 1600000000);
    CHECK(page.accounts[1].name == "bob");
    // Their last login is unknown: counted from the upgrade, so turning
    // expiry on cannot remove them at once.
    for (const auto& account : page.accounts) {
        CHECK(account.last_login >= before);
        CHECK(account.last_login <= after);
    }
    const auto bans = store->bans().value();
    REQUIRE(bans.size() == 1);
    CHECK(bans[0].target == "Mallory");
    CHECK(bans[0].reason == "spam");

    // And the upgraded file works as a new one does.
    CHECK(store->create("carol", "h", t0, false).value());
    CHECK_FALSE(store->find("carol").value()->approved);
    CHECK(store->record_login("alice", after + 10).value());
    CHECK(store->put_setting("alice", "client", "colour=off").value());
    CHECK(store->settings("Alice").value() == AccountStore::Settings{{"client", "colour=off"}});
}

TEST_CASE("SqliteAccountStore: a schema version 3 database is upgraded to 4, keeping accounts, settings and bans") {
    test::ScratchDir dir;
    const auto path = dir.file("v3.db");
    REQUIRE(exec_sql(path, schema_v3_database));
    auto store = open_store(path);
    CHECK(store->upgraded_from() == 3);
    CHECK(store->stored_schema_version() == 4);
    CHECK(query(path, "SELECT count(*) FROM schema_version") == "1");

    const auto alice = store->find("alice").value();
    REQUIRE(alice.has_value());
    CHECK(alice->name == "Alice");
    CHECK(alice->hash == "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA");
    CHECK_FALSE(store->find("carol").value()->approved);  // still a request
    const auto page = store->list("", 10).value();
    REQUIRE(page.accounts.size() == 2);
    CHECK(page.accounts[0].last_login == 1690000000);  // kept, unlike the step to version 2
    CHECK(store->settings("alice").value() == AccountStore::Settings{{"client", "colour=256 width=100"}});
    REQUIRE(store->bans().value().size() == 1);
    CHECK(store->bans().value()[0].reason == "spam");

    // The new columns start from nothing; the new tables are there and work.
    const auto card = store->card("ALICE").value();
    REQUIRE(card.has_value());
    CHECK(card->name == "Alice");
    CHECK(card->created == 1600000000);
    CHECK(card->last_login == 1690000000);
    CHECK(card->last_seen == 0);
    CHECK(card->time_online == 0);
    CHECK(card->settings == AccountStore::Settings{{"client", "colour=256 width=100"}});
    CHECK(store->mail("alice").value().empty());
    CHECK(store->topics().value().empty());
    CHECK(store->put_mail("alice", "carol", "hello", t0, 50).value() == AccountStore::MailDrop::stored);
    CHECK(store->unread_mail("alice").value() == 1);
    CHECK(store->put_topic({.room = "lobby", .text = "tea", .by = "Alice", .set_at = t0}).has_value());
    CHECK(store->record_logouts({{.name = "alice", .at = t0, .seconds_online = 60}}).has_value());
    CHECK(store->card("alice").value()->time_online == 60);
    // Mail goes with its account, as settings do.
    CHECK(store->remove("alice").value());
    CHECK(query(path, "SELECT count(*) FROM mail") == "0");
    CHECK(query(path, "SELECT count(*) FROM account_settings") == "0");
}

TEST_CASE("SqliteAccountStore: a failed upgrade from version 3 leaves it at version 3, settings and all") {
    test::ScratchDir dir;
    const auto path = dir.file("v3.db");
    REQUIRE(exec_sql(path, schema_v3_database));
    // A column step 4 adds is there already, so step 4 fails half-way.
    REQUIRE(exec_sql(path, "ALTER TABLE accounts ADD COLUMN time_online INTEGER"));
    auto store = SqliteAccountStore::open(path);
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().message.find("version 4") != std::string::npos);
    CHECK(query(path, "SELECT max(version) FROM schema_version") == "3");
    CHECK(query(path, "SELECT count(*) FROM sqlite_master WHERE name = 'mail'") == "0");
    CHECK(query(path, "SELECT count(*) FROM pragma_table_info('accounts') WHERE name = 'last_seen'") == "0");
    CHECK(query(path, "SELECT value FROM account_settings WHERE name_key = 'alice'") == "colour=256 width=100");
}

TEST_CASE_TEMPLATE("AccountStore: mail is kept oldest first, read marks it, delete by place, at most mailbox_max", Backend, BACKENDS) {
    Backend backend;
    auto store = open_store(backend);
    REQUIRE(store->create("bob", "h", t0, true).value());
    CHECK(store->put_mail("nobody", "alice", "x", t0, 50).value() == AccountStore::MailDrop::no_account);
    for (const char* body : {"one", "two", "three"}) {
        CHECK(store->put_mail("BOB", "alice", body, t0, 3).value() == AccountStore::MailDrop::stored);
    }
    CHECK(store->put_mail("bob", "alice", "four", t0, 3).value() == AccountStore::MailDrop::mailbox_full);
    CHECK(store->unread_mail("bob").value() == 3);
    auto mail = store->mail("bob").value();
    REQUIRE(mail.size() == 3);
    CHECK(mail[0].body == "one");
    CHECK(mail[0].sender == "alice");
    CHECK(mail[0].sent == t0);
    CHECK(mail[2].body == "three");
    const auto second = store->read_mail("bob", 1).value();
    REQUIRE(second.has_value());
    CHECK(second->body == "two");
    CHECK(second->unread);  // as it was before this read
    CHECK_FALSE(store->read_mail("bob", 1).value()->unread);
    CHECK(store->unread_mail("bob").value() == 2);
    CHECK_FALSE(store->read_mail("bob", 3).value().has_value());
    CHECK(store->delete_mail("bob", 0).value());
    CHECK_FALSE(store->delete_mail("bob", 2).value());
    mail = store->mail("bob").value();
    REQUIRE(mail.size() == 2);
    CHECK(mail[0].body == "two");
    // Text is only ever a parameter.
    CHECK(store->put_mail("bob", "x'); DROP TABLE mail; --", "'); DELETE FROM accounts; --", t0, 3).value() ==
          AccountStore::MailDrop::stored);
    CHECK(store->mail("bob").value().back().sender == "x'); DROP TABLE mail; --");
    CHECK(store->delete_all_mail("bob").value() == 3);
    CHECK(store->mail("bob").value().empty());
    CHECK(store->find("bob").value().has_value());
}

TEST_CASE_TEMPLATE("AccountStore: logouts add up time online and move last_seen on, never back", Backend, BACKENDS) {
    Backend backend;
    auto store = open_store(backend);
    REQUIRE(store->create("bob", "h", t0, true).value());
    REQUIRE(store->record_logouts({{.name = "Bob", .at = t0 + 100, .seconds_online = 90},
                                   {.name = "bob", .at = t0 + 50, .seconds_online = 10},
                                   {.name = "ghost", .at = t0, .seconds_online = 5}})
                .has_value());
    const auto card = store->card("bob").value();
    REQUIRE(card.has_value());
    CHECK(card->last_seen == t0 + 100);
    CHECK(card->time_online == 100);
    CHECK_FALSE(store->card("ghost").value().has_value());
}

TEST_CASE_TEMPLATE("AccountStore: topics are kept by room, replaced, and removed by an empty text", Backend, BACKENDS) {
    Backend backend;
    {
        auto store = open_store(backend);
        REQUIRE(store->put_topic({.room = "Lobby", .text = "tea", .by = "amy", .set_at = t0}).has_value());
        REQUIRE(store->put_topic({.room = "lobby", .text = "coffee", .by = "bob", .set_at = t0 + 1}).has_value());
        REQUIRE(store->put_topic({.room = "garden", .text = "roses", .by = "amy", .set_at = t0}).has_value());
    }
    auto store = open_store(backend);
    auto topics = store->topics().value();
    REQUIRE(topics.size() == 2);
    CHECK(topics[0].room == "garden");
    CHECK(topics[1].room == "lobby");
    CHECK(topics[1].text == "coffee");
    CHECK(topics[1].by == "bob");
    CHECK(topics[1].set_at == t0 + 1);
    REQUIRE(store->put_topic({.room = "LOBBY", .text = "", .by = "amy", .set_at = t0}).has_value());
    topics = store->topics().value();
    REQUIRE(topics.size() == 1);
    CHECK(topics[0].room == "garden");
}

TEST_CASE_TEMPLATE("AccountStore: settings are kept per account, replaced by key, and go with the account", Backend, BACKENDS) {
    Backend backend;
    auto store = open_store(backend);
    REQUIRE(store->create("alice", "h", t0, true).value());
    CHECK(store->settings("alice").value().empty());
    CHECK(store->put_setting("Alice", "client", "width=100").value());
    CHECK(store->put_setting("alice", "client", "width=80 wrap=on").value());
    CHECK(store->put_setting("alice", "desc", "hello").value());
    CHECK(store->settings("ALICE").value() ==
          AccountStore::Settings{{"client", "width=80 wrap=on"}, {"desc", "hello"}});
    CHECK(store->put_setting("alice", "desc", "").value());  // removed
    CHECK(store->settings("alice").value() == AccountStore::Settings{{"client", "width=80 wrap=on"}});
    CHECK_FALSE(store->put_setting("nobody", "client", "x").value());
    // Injection is just text.
    CHECK(store->put_setting("alice", "client", "'); DROP TABLE accounts; --").value());
    CHECK(store->find("alice").value().has_value());
    CHECK(store->remove("alice").value());
    CHECK(backend.sql("SELECT count(*) FROM account_settings") == "0");
}

TEST_CASE("SqliteAccountStore: reopening an upgraded file changes nothing more") {
    test::ScratchDir dir;
    const auto path = dir.file("v1.db");
    REQUIRE(exec_sql(path, schema_v1_database));
    { auto store = open_store(path); }
    const auto last_login = query(path, "SELECT last_login FROM accounts WHERE name_key = 'alice'");
    auto store = open_store(path);
    CHECK(store->upgraded_from() == AccountStore::schema_version);
    CHECK(query(path, "SELECT last_login FROM accounts WHERE name_key = 'alice'") == last_login);
}

TEST_CASE("SqliteAccountStore: an upgrade that fails leaves the file at its old version, whole") {
    test::ScratchDir dir;
    const auto path = dir.file("v1.db");
    REQUIRE(exec_sql(path, schema_v1_database));
    // A column step 2 adds is there already, so step 2 fails half-way.
    REQUIRE(exec_sql(path, "ALTER TABLE accounts ADD COLUMN approved INTEGER"));
    auto store = SqliteAccountStore::open(path);
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().message.find("version 2") != std::string::npos);
    CHECK(query(path, "SELECT max(version) FROM schema_version") == "1");
    CHECK(query(path, "SELECT count(*) FROM pragma_table_info('accounts') WHERE name = 'last_login'") == "0");
    CHECK(query(path, "SELECT count(*) FROM accounts") == "2");
}

TEST_CASE_TEMPLATE("AccountStore: a new account's registration is its first use; logins move it on, never back", Backend, BACKENDS) {
    Backend backend;
    auto store = open_store(backend);
    REQUIRE(store->create("alice", "h", t0).value());
    auto info = store->list("alice", 1).value().accounts.at(0);
    CHECK(info.created == t0);
    CHECK(info.last_login == t0);
    CHECK(store->record_login("Alice", t0 + day).value());
    CHECK(store->record_login("alice", t0 + 10).value());  // a late writer does not go back in time
    CHECK(store->list("alice", 1).value().accounts.at(0).last_login == t0 + day);
    CHECK_FALSE(store->record_login("nobody", t0).value());
}

TEST_CASE_TEMPLATE("AccountStore: a request becomes an account on approval; removal of a request spares accounts", Backend, BACKENDS) {
    Backend backend;
    auto store = open_store(backend);
    REQUIRE(store->create("req", "h", t0, false).value());
    REQUIRE(store->create("acct", "h", t0).value());
    CHECK_FALSE(store->find("req").value()->approved);
    CHECK(store->list("", 10, AccountStore::Which::request).value().total == 1);

    CHECK_FALSE(store->remove("acct", AccountStore::Which::request).value());
    CHECK(store->find("acct").value().has_value());
    CHECK_FALSE(store->approve("acct").value());  // not a request
    CHECK(store->approve("REQ").value());
    CHECK(store->find("req").value()->approved);
    CHECK_FALSE(store->approve("req").value());
    CHECK(store->list("", 10, AccountStore::Which::request).value().total == 0);

    CHECK(store->remove("acct").value());
    CHECK_FALSE(store->remove("acct").value());
    CHECK(store->names().value() == std::vector<std::string>{"req"});
}

TEST_CASE_TEMPLATE("AccountStore: expire removes what was last used before the cutoff, except the names kept", Backend, BACKENDS) {
    Backend backend;
    auto store = open_store(backend);
    REQUIRE(store->create("old", "h", t0).value());
    REQUIRE(store->create("Oper", "h", t0).value());
    REQUIRE(store->create("recent", "h", t0).value());
    REQUIRE(store->create("revived", "h", t0).value());
    REQUIRE(store->create("request", "h", t0, false).value());
    REQUIRE(store->record_login("recent", t0 + 30 * day).value());
    REQUIRE(store->record_login("revived", t0 + 10 * day).value());
    const auto removed = store->expire(t0 + 10 * day, {"oper"}).value();
    CHECK(removed == std::vector<std::string>{"old", "request"});
    CHECK(store->names().value() == std::vector<std::string>{"Oper", "recent", "revived"});
    CHECK(store->expire(t0 + 10 * day, {"oper"}).value().empty());
}

TEST_CASE_TEMPLATE("AccountStore: list filters by prefix ignoring case, in name order, and counts all matches", Backend, BACKENDS) {
    Backend backend;
    auto store = open_store(backend);
    for (const auto* name : {"Bob", "bobby", "bo_b", "carol", "BOX"}) REQUIRE(store->create(name, "h", t0).value());
    auto page = store->list("BO", 2).value();
    CHECK(page.total == 4);
    REQUIRE(page.accounts.size() == 2);
    CHECK(page.accounts[0].name == "bo_b");  // '_' sorts before letters
    CHECK(page.accounts[1].name == "Bob");
    // '_' is no wildcard here.
    CHECK(store->list("bo_", 10).value().total == 1);
    CHECK(store->list("", 10).value().total == 5);
    CHECK(store->list("zz", 10).value().total == 0);
}

TEST_CASE("PostgresAccountStore: a schema creation that fails leaves the database as it was") {
    PostgresBackend backend;
    // A table the schema creates is there already, so creating it fails half-way.
    backend.sql("CREATE TABLE mail (x INTEGER)");
    auto store = backend.try_open();
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().message.find("cannot create the schema") != std::string::npos);
    CHECK(backend.sql("SELECT to_regclass('schema_version') IS NULL AND to_regclass('accounts') IS NULL") == "t");
    // Once the obstacle is gone the same database takes the schema.
    backend.sql("DROP TABLE mail");
    auto again = open_store(backend);
    CHECK(again->stored_schema_version() == AccountStore::schema_version);
}

TEST_CASE("PostgresAccountStore: a connection the server cut is made again and a read is retried") {
    PostgresBackend backend;
    auto store = open_store(backend);
    REQUIRE(store->create("alice", "h", t0).value());
    const auto cut = [&] {
        // Every other connection to this database: the store's.
        backend.sql(("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" +
                     backend.database + "' AND pid <> pg_backend_pid()")
                        .c_str());
    };
    cut();
    const auto found = store->find("Alice");
    REQUIRE_MESSAGE(found.has_value(), (found ? "" : found.error().message));
    CHECK(found->has_value());
    // A write is not run twice (it may have been done before the cut): it
    // fails with a one-line reason, and the next one works on the new connection.
    cut();
    const auto refused = store->create("bob", "h", t0);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find("cannot store an account") != std::string::npos);
    CHECK(refused.error().message.find('\n') == std::string::npos);
    CHECK(store->create("bob", "h", t0).value());
    CHECK(store->names().value() == std::vector<std::string>{"alice", "bob"});
}

TEST_CASE("PostgresAccountStore: a connection string that is not one is an error") {
    auto store = PostgresAccountStore::open("host=127.0.0.1 port");
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().message.find("not a connection string") != std::string::npos);
}

}  // namespace natter
