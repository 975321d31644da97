// What keeps accounts from being farmed, over real TCP against the real
// natterd: the per-address registration throttle, the bounded hashing queue
// under a burst of logins, an operator removing the account of someone
// online, and the approval of account requests.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "tests/support/chat_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/temp_dir.hpp"

using namespace natter::test;

namespace {

constexpr Millis slow{10000};  // argon2 hashes on a busy machine, under sanitizers too

bool contains(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

auto is(std::string_view wanted) {
    return [wanted](std::string_view line) { return line == wanted; };
}
auto has(std::string_view wanted) {
    return [wanted](std::string_view line) { return contains(line, wanted); };
}

std::size_t count_of(std::string_view text, std::string_view needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + needle.size())) ++count;
    return count;
}

// Types `register` and the password twice (the answer is the test's to read).
void send_register(TcpClient& client, std::string_view password) {
    REQUIRE(client.send_line("register"));
    REQUIRE(client.read_until(has("Choose a password:")));
    REQUIRE(client.send_line(password));
    REQUIRE(client.read_until(is("Type the password again:")));
    REQUIRE(client.send_line(password));
}

// A guest `name` from `source` registers; returns once registered.
TcpClient registered(std::uint16_t port, std::string_view name, std::string_view password,
                     std::string_view source = "127.0.0.1") {
    TcpClient client{port, source};
    REQUIRE(client.read_until(is("Welcome to TestChat")));
    log_in(client, name);
    send_register(client, password);
    REQUIRE(client.read_until(has("is now registered"), slow));
    return client;
}

ServerOptions with(std::string accounts, std::string extra_tables = {}) {
    ServerOptions options;
    options.accounts = std::move(accounts);
    options.extra_tables = std::move(extra_tables);
    return options;
}

}  // namespace

TEST_CASE("Registration throttle: the fourth from one address is refused, once logged; another address is not") {
    ServerProcess server;  // the defaults: 3 per address per hour
    std::vector<TcpClient> done;
    for (int i = 0; i < 3; ++i) {
        done.push_back(registered(server.port(), "farm" + std::to_string(i), "farm password " + std::to_string(i)));
    }
    TcpClient fourth = login_client(server.port(), "farm3");
    for (int attempt = 0; attempt < 3; ++attempt) {
        REQUIRE(fourth.send_line("register"));
        CHECK(fourth.read_until(
            is("Only 3 accounts may be registered from one address in an hour; try again in 60 minutes.")));
    }
    // Not registered: the name is still a guest's.
    REQUIRE(fourth.send_line("password"));
    CHECK(fourth.read_until(has("Only a registered name has a password")));

    TcpClient fifth = registered(server.port(), "elsewhere", "another password", "127.0.0.2");
    REQUIRE(fifth.send_line("password"));
    CHECK(fifth.read_until(has("Old password:")));

    CHECK(server.wait_for_log("registrations from 127.0.0.1 refused"));
    CHECK(server.wait_for_log("register elsewhere", slow));
    CHECK(count_of(server.stdout_text(), "registrations from 127.0.0.1 refused") == 1);
}

namespace {

// Copies the account `from` of the database at `path` (natterd stopped) to
// `count` more names made by `name`, with the same password.
void copy_account(const std::filesystem::path& path, std::string_view from, int count,
                  const std::function<std::string(int)>& name) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    sqlite3_stmt* insert = nullptr;
    REQUIRE(sqlite3_prepare_v2(db,
                               "INSERT INTO accounts (name_key, name, hash, created, updated, last_login, approved) "
                               "SELECT ?1, ?1, hash, created, updated, last_login, approved FROM accounts "
                               "WHERE name_key = ?2",
                               -1, &insert, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK);
    for (int i = 0; i < count; ++i) {
        const auto key = name(i);
        sqlite3_bind_text(insert, 1, key.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 2, from.data(), static_cast<int>(from.size()), SQLITE_TRANSIENT);
        CHECK(sqlite3_step(insert) == SQLITE_DONE);
        sqlite3_reset(insert);
    }
    REQUIRE(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_finalize(insert);
    sqlite3_close(db);
}

}  // namespace

TEST_CASE("Hashing queue: 100 logins at once with the queue at 8 each get an answer, logged in or busy") {
    constexpr int users = 100;
    const auto name = [](int i) { return "user" + std::to_string(i); };
    const std::string password = "the shared password";
    TempDir dir;
    const auto database = dir.path() / "natter.db";
    {
        // One registration through natterd, copied to the other 99 names.
        ServerProcess first{{.database = database}};
        registered(first.port(), name(0), password);
        REQUIRE(first.terminate() == 0);
    }
    copy_account(database, name(0), users - 1, [&](int i) { return name(i + 1); });

    ServerOptions options = with("hashing_queue = 8\n");
    options.limits = "flood_per_second = 0\nmax_per_address = 0\n";
    options.database = database;
    ServerProcess server{options};

    std::vector<TcpClient> clients;
    for (int i = 0; i < users; ++i) {
        clients.emplace_back(server.port());
        REQUIRE(clients.back().read_until(is("Welcome to TestChat")));
        REQUIRE(clients.back().send_line("login " + name(i)));
        REQUIRE(clients.back().read_until(is("Password:")));
    }
    // All at once: each password, then `look` to see where it got.
    for (int i = 0; i < users; ++i) REQUIRE(clients[i].send(password + "\r\nlook\r\n"));

    int logged_in = 0;
    std::vector<int> turned_away;
    for (int i = 0; i < users; ++i) {
        const auto answer = clients[i].read_until(
            [](std::string_view line) { return line == "The following are in this room:" || contains(line, "busy"); },
            slow);
        CAPTURE(i);
        REQUIRE(answer);
        if (*answer == "The following are in this room:") {
            ++logged_in;
        } else {
            CHECK(*answer == "Sorry, the server is busy checking passwords; please log in again in a moment.");
            turned_away.push_back(i);
        }
    }
    CHECK(logged_in + static_cast<int>(turned_away.size()) == users);
    CHECK(logged_in >= 10);  // the two hashing and the eight queued behind them at least
    CHECK_FALSE(turned_away.empty());

    // Nothing is stuck: the turned away get in when they try again.
    for (int i : {turned_away.front(), turned_away.back()}) {
        REQUIRE(clients[i].send_line("login " + name(i)));
        REQUIRE(clients[i].read_until(is("Password:")));
        REQUIRE(clients[i].send(password + "\r\nlook\r\n"));
        CHECK(clients[i].read_until(is("The following are in this room:"), slow));
    }
    // The log speaks of busy spells, not of every refusal.
    const auto busy_lines = count_of(server.stdout_text(), "password hashing busy");
    CHECK(busy_lines >= 1);
    CHECK(busy_lines < turned_away.size());
}

TEST_CASE("Operators: unregister of an online user tells them, and they go on as a guest") {
    ServerProcess server{with({}, "[operators]\nnames = [\"root\"]\n")};
    TcpClient root = registered(server.port(), "root", "operator password");
    TcpClient alice = registered(server.port(), "alice", "alice password", "127.0.0.2");

    REQUIRE(root.send_line("unregister alice"));
    CHECK(root.read_until(is("Removed the account alice."), slow));
    CHECK(alice.read_until(
        is("*** root removed your account; you are a guest now, and the name is free once you leave.")));
    REQUIRE(alice.send_line("password"));
    CHECK(alice.read_until(has("Only a registered name has a password")));
    REQUIRE(alice.send_line("say still talking"));
    CHECK(root.read_until(is("alice: still talking")));

    REQUIRE(root.send_line("accounts"));
    CHECK(root.read_until(is("1 account:"), slow));
    CHECK(root.read_until(has("root ")));
    CHECK(server.wait_for_log("unregister alice by root"));

    REQUIRE(alice.send_line("logout"));
    REQUIRE(alice.wait_closed());
    TcpClient guest = login_client(server.port(), "alice");  // no password asked
    REQUIRE(guest.send_line("say a guest now"));
    CHECK(root.read_until(is("alice: a guest now")));
}

TEST_CASE("Approval: a request waits for an operator, who approves one and denies another") {
    ServerProcess server{with("approval = true\n", "[operators]\nnames = [\"root\"]\n")};
    TcpClient root = registered(server.port(), "root", "operator password");  // an operator's name needs no approval

    TcpClient bob{server.port(), "127.0.0.2"};
    REQUIRE(bob.read_until(is("Welcome to TestChat")));
    log_in(bob, "bob");
    send_register(bob, "bobs password");
    CHECK(bob.read_until(has("Your request for the name \"bob\" has gone to the operators."), slow));
    CHECK(root.read_until(is("*** bob (from 127.0.0.2) asks for an account: \"approve bob\" or \"deny bob\".")));
    REQUIRE(bob.send_line("password"));
    CHECK(bob.read_until(has("Only a registered name has a password")));  // still a guest

    // The name is reserved: another connection needs bob's password.
    {
        TcpClient other{server.port(), "127.0.0.3"};
        REQUIRE(other.read_until(is("Welcome to TestChat")));
        REQUIRE(other.send_line("login bob"));
        CHECK(other.read_until(is("Password:")));
    }

    REQUIRE(root.send_line("approve"));
    CHECK(root.read_until(is("1 account request waiting:"), slow));
    CHECK(root.read_until(has("bob ")));
    REQUIRE(root.send_line("approve bob"));
    CHECK(root.read_until(is("Approved bob."), slow));
    CHECK(bob.read_until(is("*** root approved your account: the name \"bob\" is yours now.")));
    REQUIRE(bob.send_line("password"));
    CHECK(bob.read_until(has("Old password:")));  // an account now

    TcpClient carol{server.port(), "127.0.0.4"};
    REQUIRE(carol.read_until(is("Welcome to TestChat")));
    log_in(carol, "carol");
    send_register(carol, "carols password");
    CHECK(carol.read_until(has("has gone to the operators"), slow));
    REQUIRE(root.send_line("deny carol not today"));
    CHECK(root.read_until(is("Denied carol."), slow));
    CHECK(carol.read_until(is("*** root turned down your account request (not today). You stay a guest.")));

    REQUIRE(root.send_line("accounts"));
    CHECK(root.read_until(is("2 accounts:"), slow));
    CHECK(server.wait_for_log("approve bob by root"));
    CHECK(server.wait_for_log("deny carol by root"));
}

TEST_CASE("Config: --check-config knows the account limits and names one out of range") {
    TempDir dir;
    ServerOptions options = with("registrations_per_address = 5\nhashing_queue = 8\nhashing_memory_mb = 128\n"
                                 "expire_after_days = 90\napproval = true\nregistrations_per_window = 10\n"
                                 "registration_window_s = 600\n");
    const auto good = dir.write_file("good.toml", test_config(options, dir.path()));
    const RunResult ok = run_process({natterd_path(), "--check-config", good.string()});
    CAPTURE(ok.err);
    CHECK(ok.status == 0);

    const auto bad = dir.write_file("bad.toml", test_config(with("hashing_memory_mb = 10\n"), dir.path()));
    const RunResult refused = run_process({natterd_path(), "--check-config", bad.string()});
    CHECK(refused.status == 2);
    CHECK(contains(refused.err, "hashing_memory_mb"));
    CHECK(contains(refused.err, "64"));
}
