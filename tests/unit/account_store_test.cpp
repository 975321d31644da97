// AccountStore against a real SQLite file in a temporary directory.
#include <doctest/doctest.h>

#include <filesystem>

#include <sqlite3.h>

#include "src/account_store.hpp"
#include "tests/unit/queue_background.hpp"

namespace natter {
namespace {

std::unique_ptr<AccountStore> open_store(const std::string& path) {
    auto store = AccountStore::open(path);
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

}  // namespace

TEST_CASE("AccountStore: a new file gets the schema version, WAL mode and its directory") {
    test::ScratchDir dir;
    const auto path = dir.file("sub/dir/natter.db");
    auto store = open_store(path);
    CHECK(std::filesystem::exists(path));
    CHECK(store->stored_schema_version() == AccountStore::schema_version);
    CHECK(query(path, "PRAGMA journal_mode") == "wal");
    CHECK(query(path, "SELECT count(*) FROM schema_version") == "1");
}

TEST_CASE("AccountStore: accounts are found case-insensitively and keep their case") {
    test::ScratchDir dir;
    auto store = open_store(dir.file("a.db"));
    CHECK(store->find("Alice").value() == std::nullopt);
    CHECK(store->create("Alice", "$argon2id$fake1").value());
    const auto found = store->find("aLICE").value();
    REQUIRE(found.has_value());
    CHECK(found->name == "Alice");
    CHECK(found->hash == "$argon2id$fake1");
}

TEST_CASE("AccountStore: a name registered twice (in any case) is refused the second time") {
    test::ScratchDir dir;
    auto store = open_store(dir.file("a.db"));
    CHECK(store->create("bob", "h1").value());
    CHECK_FALSE(store->create("BOB", "h2").value());
    CHECK(store->find("bob").value()->hash == "h1");
}

TEST_CASE("AccountStore: set_hash changes an account and reports a missing one") {
    test::ScratchDir dir;
    auto store = open_store(dir.file("a.db"));
    REQUIRE(store->create("carol", "old").value());
    CHECK(store->set_hash("Carol", "new").value());
    CHECK(store->find("carol").value()->hash == "new");
    CHECK_FALSE(store->set_hash("nobody", "x").value());
}

TEST_CASE("AccountStore: accounts and bans survive closing and reopening the file") {
    test::ScratchDir dir;
    const auto path = dir.file("a.db");
    {
        auto store = open_store(path);
        REQUIRE(store->create("dave", "h").value());
        REQUIRE(store->create("Erin", "h").value());
        REQUIRE(store->put_ban(Ban{.target = "Mallory", .is_address = false, .expires = std::nullopt,
                                   .reason = "spam", .by = "dave"}));
        REQUIRE(store->put_ban(Ban{.target = "10.0.0.9", .is_address = true, .expires = 4102444800,
                                   .reason = "", .by = "dave"}));
    }
    auto store = open_store(path);
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

TEST_CASE("AccountStore: a ban on the same target replaces the old one; removal reports what it did") {
    test::ScratchDir dir;
    auto store = open_store(dir.file("a.db"));
    REQUIRE(store->put_ban(Ban{.target = "eve", .is_address = false, .expires = std::nullopt, .reason = "one", .by = "op"}));
    REQUIRE(store->put_ban(Ban{.target = "EVE", .is_address = false, .expires = std::nullopt, .reason = "two", .by = "op"}));
    const auto bans = store->bans().value();
    REQUIRE(bans.size() == 1);
    CHECK(bans[0].reason == "two");
    CHECK(store->remove_ban("Eve").value());
    CHECK_FALSE(store->remove_ban("eve").value());
    CHECK(store->bans().value().empty());
}

TEST_CASE("AccountStore: a database from a newer natterd is refused with a reason") {
    test::ScratchDir dir;
    const auto path = dir.file("a.db");
    { auto store = open_store(path); }
    query(path, "UPDATE schema_version SET version = 99");
    auto store = AccountStore::open(path);
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().message.find("schema version 99") != std::string::npos);
}

TEST_CASE("AccountStore: a file that cannot be created is an error naming it") {
    auto store = AccountStore::open("/proc/natter-cannot-be-here/x.db");
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().message.find("/proc/natter-cannot-be-here/x.db") != std::string::npos);
}

}  // namespace natter
