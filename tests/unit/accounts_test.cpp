// Accounts through the commands: register, login with a password, take-over,
// the guard against guessing, and the operators' commands. Sessions and a
// World with a real store in a temporary file; slow work queues in a
// QueueBackground that the test runs when it chooses.
#include <doctest/doctest.h>

#include <algorithm>

#include "src/accounts.hpp"
#include "tests/unit/account_fixture.hpp"

namespace natter {
namespace {

using test::has_line;
using test::take_bytes;
using test::take_lines;
using test::TestWorld;

constexpr std::string_view will_echo = "\xff\xfb\x01";
constexpr std::string_view wont_echo = "\xff\xfc\x01";
constexpr std::string_view do_echo = "\xff\xfd\x01";  // a telnet client's yes to WILL ECHO

bool contains(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

bool any_contains(const std::vector<std::string>& lines, std::string_view needle) {
    return std::any_of(lines.begin(), lines.end(), [&](const auto& line) { return contains(line, needle); });
}

Config config_with(bool require, std::vector<std::string> operators = {}) {
    auto config = test::test_config();
    config.accounts.require = require;
    config.operators.names = std::move(operators);
    return config;
}

using Fixture = test::AccountFixture;

}  // namespace

TEST_CASE("Accounts: register asks for the password twice with echo off, and never shows it") {
    Fixture f;
    auto& alice = f.t.login("alice");
    TestWorld::type(alice, "register");
    auto bytes = take_bytes(alice);
    CHECK(contains(bytes, will_echo));
    CHECK(contains(bytes, "Choose a password:\r\n"));
    alice.receive(do_echo);
    TestWorld::type(alice, "tr0ub4dor&3");
    bytes = take_bytes(alice);
    CHECK(bytes == "Type the password again:\r\n");
    TestWorld::type(alice, "tr0ub4dor&3");
    bytes = take_bytes(alice);
    CHECK(bytes == wont_echo);  // echo back on; the answer waits for the hash
    CHECK(f.background.jobs() == 1);
    CHECK_FALSE(alice.authenticated());

    f.background.run_jobs();
    CHECK(take_lines(alice) ==
          std::vector<std::string>{"The name \"alice\" is now registered. Log in with it and your password from now on."});
    CHECK(alice.authenticated());
    CHECK(f.t.world.accounts().is_registered("ALICE"));
}

TEST_CASE("Accounts: a too short or mismatched password registers nothing") {
    Fixture f;
    auto& alice = f.t.login("alice");
    TestWorld::type(alice, "register");
    TestWorld::type(alice, "short");
    CHECK(any_contains(take_lines(alice), "too short: use at least 8 characters"));
    CHECK(f.background.jobs() == 0);

    TestWorld::type(alice, "register");
    TestWorld::type(alice, "long enough 1");
    TestWorld::type(alice, "long enough 2");
    CHECK(has_line(take_lines(alice), "The passwords do not match. Nothing was changed."));
    CHECK(f.background.jobs() == 0);
    CHECK_FALSE(f.t.world.accounts().is_registered("alice"));

    // The prompt is over: the next line is a command again.
    TestWorld::type(alice, "say still here");
    CHECK(has_line(take_lines(alice), "alice: still here"));
}

TEST_CASE("Accounts: a registered name asks for its password; the right one logs in") {
    Fixture f;
    f.add_account("Alice", "correct horse");
    auto& session = f.t.connect();
    take_lines(session);
    TestWorld::type(session, "login alice");
    CHECK_FALSE(session.took_secret_input());  // an ordinary line
    auto bytes = take_bytes(session);
    CHECK(contains(bytes, will_echo));
    CHECK(contains(bytes, "Password:\r\n"));
    TestWorld::type(session, "correct horse");
    CHECK(session.took_secret_input());  // the network layer wipes its read buffer
    CHECK_FALSE(session.took_secret_input());
    CHECK(f.background.jobs() == 1);
    f.background.run_jobs();
    CHECK(session.authenticated());
    CHECK(session.name() == "Alice");  // as registered
    CHECK(session.room() == &f.t.world.main_room());
}

TEST_CASE("Accounts: a wrong password is refused after a delay, and the name stays free") {
    Fixture f;
    f.add_account("alice", "correct horse");
    auto& session = f.t.connect();
    take_lines(session);
    TestWorld::type(session, "login alice");
    TestWorld::type(session, "battery staple");
    take_lines(session);
    f.background.run_jobs();
    CHECK(take_lines(session).empty());  // not yet: the answer waits
    REQUIRE(f.background.waits() == 1);
    CHECK(f.background.next_delay() == LoginGuard::first_delay);
    f.background.fire_waits();
    CHECK(take_lines(session) == std::vector<std::string>{"Wrong password."});
    CHECK(session.room() == &f.t.world.login_room());
    CHECK(f.t.world.find_user("alice") == nullptr);
}

TEST_CASE("Accounts: lines typed while the password is checked wait, then run in order") {
    Fixture f;
    f.add_account("alice", "correct horse");
    auto& bob = f.t.login("bob");
    auto& session = f.t.connect();
    session.receive("login alice\r\ncorrect horse\r\nsay hello\r\n");
    CHECK(session.took_secret_input());  // the password came in this very read
    CHECK(f.background.jobs() == 1);
    CHECK(take_lines(bob).empty());
    f.background.run_jobs();
    const auto seen = take_lines(bob);
    CHECK(has_line(seen, "alice has entered the room."));
    CHECK(has_line(seen, "alice: hello"));
}

TEST_CASE("Accounts: the password never reaches a room, another user or the outbox") {
    Fixture f;
    f.add_account("alice", "correct horse");
    auto& bob = f.t.login("bob");
    auto& session = f.t.connect();
    session.receive("login alice\r\ncorrect horse\r\n");
    f.background.run_jobs();
    CHECK_FALSE(contains(take_bytes(session), "correct horse"));
    CHECK_FALSE(contains(take_bytes(bob), "correct horse"));
}

TEST_CASE("Accounts: logging in to a connected registered name takes the session over") {
    Fixture f;
    f.add_account("alice", "correct horse");
    auto& old_session = f.login_with_password("alice", "correct horse");
    auto& bob = f.t.login("bob");
    auto& new_session = f.login_with_password("alice", "correct horse", "10.1.2.3");
    CHECK(old_session.closing());
    CHECK(f.t.world.find_user("alice") == &new_session);
    CHECK(f.t.world.users().size() == 2);
    TestWorld::type(bob, "look");
    CHECK(test::listed_names(take_lines(bob)) == std::vector<std::string>{"bob", "alice"});
}

TEST_CASE("Accounts: the old connection of a take-over is told where the new login came from") {
    Fixture f;
    f.add_account("alice", "correct horse");
    auto& old_session = f.login_with_password("alice", "correct horse");
    auto& session = f.t.connect("10.1.2.3");
    session.receive("login alice\r\ncorrect horse\r\n");
    f.background.run_jobs();
    CHECK(has_line(take_lines(old_session),
                   "*** Your session has been taken over by a new login from 10.1.2.3."));
}

TEST_CASE("Accounts: five wrong passwords disconnect, and the address is refused for a while") {
    Fixture f;
    f.add_account("alice", "correct horse");
    auto& session = f.t.connect("10.0.0.7");
    for (int attempt = 0; attempt < 5 && !session.closing(); ++attempt) {
        TestWorld::type(session, "login alice");
        TestWorld::type(session, "wrong password");
        f.background.drain();
    }
    CHECK(session.closing());
    CHECK(any_contains(take_lines(session), "Too many failed logins"));
    auto& next = f.t.connect("10.0.0.7");
    CHECK(next.closing());
    CHECK(any_contains(take_lines(next), "Too many failed logins from your address"));
    auto& other = f.t.connect("10.0.0.8");
    CHECK_FALSE(other.closing());
}

TEST_CASE("Accounts: with accounts required, guests are refused and register <name> logs in") {
    Fixture f{config_with(true)};
    auto& session = f.t.connect();
    take_lines(session);
    TestWorld::type(session, "login carol");
    CHECK(take_lines(session) ==
          std::vector<std::string>{"The name \"carol\" is not registered, and guests may not log in here.",
                                   "Use \"register carol\" to create an account."});
    TestWorld::type(session, "register carol");
    TestWorld::type(session, "a fine password");
    TestWorld::type(session, "a fine password");
    f.background.run_jobs();
    CHECK(session.authenticated());
    CHECK(session.room() == &f.t.world.main_room());
    CHECK(f.t.world.find_user("carol") == &session);
}

TEST_CASE("Accounts: without required accounts, register in the login room gets the classic reminder") {
    Fixture f;
    auto& session = f.t.connect();
    take_lines(session);
    TestWorld::type(session, "register carol");
    CHECK(take_lines(session) == std::vector<std::string>{"Please log in", "Use \"login <nick>\""});
}

TEST_CASE("Accounts: password changes it after the old one is checked") {
    Fixture f;
    f.add_account("alice", "correct horse");
    auto& alice = f.login_with_password("alice", "correct horse");
    TestWorld::type(alice, "password");
    TestWorld::type(alice, "not the old one");
    TestWorld::type(alice, "new password 1");
    TestWorld::type(alice, "new password 1");
    f.background.run_jobs();
    CHECK(has_line(take_lines(alice), "Wrong password. Your password was not changed."));

    TestWorld::type(alice, "password");
    TestWorld::type(alice, "correct horse");
    TestWorld::type(alice, "new password 1");
    TestWorld::type(alice, "new password 1");
    f.background.run_jobs();
    CHECK(has_line(take_lines(alice), "Your password has been changed."));
    f.login_with_password("alice", "new password 1", "10.9.9.9");
}

TEST_CASE("Operators: others are not allowed, and no prefix reaches an operator command") {
    Fixture f{config_with(false, {"root"})};
    auto& bob = f.t.login("bob");
    for (const auto* verb :
         {"kick", "ban", "unban", "announce", "shutdown", "reboot", "accounts", "unregister", "approve", "deny"}) {
        TestWorld::type(bob, std::string{verb} + " someone");
        CHECK(any_contains(take_lines(bob), "not allowed"));
    }
    // A guest who merely took an operator's name is no operator.
    auto& fake_root = f.t.login("root");
    TestWorld::type(fake_root, "announce hi");
    CHECK(any_contains(take_lines(fake_root), "not allowed"));

    f.add_account("admin", "operator password");
    f.t.world.reconfigure(config_with(false, {"admin"}));
    auto& admin = f.login_with_password("admin", "operator password");
    TestWorld::type(admin, "shu");
    CHECK(take_lines(admin) == std::vector<std::string>{"Unknown command: shu"});
    TestWorld::type(admin, "kic bob");
    CHECK(take_lines(admin) == std::vector<std::string>{"Unknown command: kic"});
    CHECK_FALSE(f.t.world.stop_requested());
    CHECK_FALSE(bob.closing());
}

TEST_CASE("Operators: kick, announce and who with addresses") {
    Fixture f{config_with(false, {"root"})};
    f.add_account("root", "operator password");
    auto& root = f.login_with_password("root", "operator password");
    auto& bob = f.t.login("bob");
    auto& carol = f.t.login("carol");

    TestWorld::type(root, "who");
    const auto who = take_lines(root);
    CHECK(any_contains(who, "bob (lobby) from 127.0.0.1"));
    TestWorld::type(bob, "who");
    CHECK_FALSE(any_contains(take_lines(bob), "127.0.0.1"));

    TestWorld::type(root, "announce tea is ready");
    for (auto* s : {&root, &bob, &carol}) CHECK(has_line(take_lines(*s), "*** Announcement from root: tea is ready"));

    TestWorld::type(root, "kick bob too loud");
    CHECK(has_line(take_lines(root), "Kicked bob."));
    CHECK(has_line(take_lines(bob), "*** You have been kicked by root: too loud"));
    CHECK(bob.closing());
    CHECK(has_line(take_lines(carol), "bob has left the room."));
}

TEST_CASE("Operators: a ban disconnects, is stored, and refuses the name or address until unbanned") {
    Fixture f{config_with(false, {"root"})};
    f.add_account("root", "operator password");
    auto& root = f.login_with_password("root", "operator password");
    auto& bob = f.t.login("bob");
    auto& mallory = f.t.connect("10.6.6.6");
    TestWorld::type(mallory, "login mallory");

    TestWorld::type(root, "ban bob 30 spamming");
    CHECK(bob.closing());
    CHECK(has_line(take_lines(bob), "*** You have been banned by root: spamming"));
    TestWorld::type(root, "ban 10.6.6.6");
    CHECK(mallory.closing());
    f.background.run_jobs();
    const auto confirmations = take_lines(root);
    CHECK(has_line(confirmations, "Banned name bob for 30 minutes."));
    CHECK(has_line(confirmations, "Banned address 10.6.6.6 for good."));

    auto& bob_again = f.t.connect();
    TestWorld::type(bob_again, "login Bob");
    CHECK(bob_again.closing());
    auto& from_address = f.t.connect("10.6.6.6");
    CHECK(from_address.closing());
    CHECK(f.t.world.accounts().bans().size() == 2);

    TestWorld::type(root, "unban bob");
    f.background.run_jobs();
    CHECK(has_line(take_lines(root), "Unbanned bob."));
    auto& bob_later = f.t.connect();
    TestWorld::type(bob_later, "login bob");
    CHECK(bob_later.room() == &f.t.world.main_room());
}

TEST_CASE("Operators: shutdown counts down, then asks the server to stop") {
    Fixture f{config_with(false, {"root"})};
    f.add_account("root", "operator password");
    auto& root = f.login_with_password("root", "operator password");
    auto& bob = f.t.login("bob");
    TestWorld::type(root, "shutdown 30");
    CHECK(has_line(take_lines(bob), "*** root is shutting the server down in 30 seconds."));
    CHECK_FALSE(f.t.world.stop_requested());
    REQUIRE(f.background.waits() == 1);
    CHECK(f.background.next_delay() == std::chrono::seconds{30});
    f.background.fire_waits();
    CHECK(f.t.world.stop_requested());
}

TEST_CASE("Operators: help lists the operator commands to operators only") {
    Fixture f{config_with(false, {"admin"})};
    f.add_account("admin", "operator password");
    auto& admin = f.login_with_password("admin", "operator password");
    auto& bob = f.t.login("bob");
    const auto listed = [](const std::vector<std::string>& lines, std::string_view verb) {
        return std::any_of(lines.begin(), lines.end(),
                           [&](const std::string& l) { return l.starts_with("  " + std::string{verb} + " "); });
    };
    TestWorld::type(bob, "help");
    const auto for_bob = take_lines(bob);
    TestWorld::type(admin, "help");
    const auto for_admin = take_lines(admin);
    for (const auto* verb :
         {"kick", "ban", "unban", "announce", "shutdown", "reboot", "accounts", "unregister", "approve", "deny"}) {
        CAPTURE(verb);
        CHECK_FALSE(listed(for_bob, verb));
        CHECK(listed(for_admin, verb));
    }
    CHECK(listed(for_bob, "say"));
    CHECK(for_admin.size() == for_bob.size() + 10);
    // Asking about one is not refused; using it is.
    TestWorld::type(bob, "help kick");
    CHECK(take_lines(bob).front() == "Usage: kick <name> [reason]");
}

}  // namespace natter
