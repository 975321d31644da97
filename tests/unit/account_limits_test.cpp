// What keeps accounts from being farmed, through the commands: the
// registration throttle (on the World's fake clock), the bounded hashing
// queue, expiry of unused accounts (on the fake wall clock), the password
// rules, and the operators' account tools and approvals.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include "src/accounts.hpp"
#include "tests/unit/account_fixture.hpp"

namespace natter {
namespace {

using namespace std::chrono_literals;
using test::has_line;
using test::take_lines;
using test::TestWorld;
using Fixture = test::AccountFixture;
using Lines = std::vector<std::string>;

bool any_contains(const Lines& lines, std::string_view needle) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const auto& line) { return line.find(needle) != std::string::npos; });
}

struct Settings {
    std::uint32_t per_address = 3;
    std::uint32_t per_window = 100;
    std::uint32_t hashing_queue = 64;
    std::uint32_t hashing_memory_mb = 256;
    std::uint32_t expire_after_days = 0;
    bool approval = false;
    bool require = false;
    std::vector<std::string> operators{};
};

Config config(const Settings& s) {
    auto c = test::test_config();
    c.accounts.registrations_per_address = s.per_address;
    c.accounts.registrations_per_window = s.per_window;
    c.accounts.hashing_queue = s.hashing_queue;
    c.accounts.hashing_memory_mb = s.hashing_memory_mb;
    c.accounts.expire_after_days = s.expire_after_days;
    c.accounts.approval = s.approval;
    c.accounts.require = s.require;
    c.operators.names = s.operators;
    return c;
}

// A guest logged in as `name` from `address`; outboxes emptied.
Session& guest(Fixture& f, std::string_view name, std::string address = "10.0.0.1") {
    auto& session = f.t.connect(std::move(address));
    TestWorld::type(session, "login " + std::string{name});
    f.t.clear_all();
    return session;
}

// Types `register` and the password twice; what happens next is up to the test.
void type_register(Session& session, std::string_view password = "long enough password") {
    TestWorld::type(session, "register");
    TestWorld::type(session, password);
    TestWorld::type(session, password);
}

// The world's time of day at 2024-03-05 12:00 UTC.
const auto march_5 = std::chrono::sys_days{std::chrono::year{2024} / 3 / 5} + 12h;

}  // namespace

TEST_CASE("Registration throttle: the fourth from one address is refused with when to try again") {
    Fixture f{config({})};
    for (int i = 0; i < 3; ++i) {
        auto& s = guest(f, "user" + std::to_string(i));
        type_register(s);
        f.background.run_jobs();
        CHECK(s.authenticated());
    }
    auto& fourth = guest(f, "user3");
    TestWorld::type(fourth, "register");
    CHECK(take_lines(fourth) ==
          Lines{"Only 3 accounts may be registered from one address in an hour; try again in 60 minutes."});
    f.steady += 30min;
    TestWorld::type(fourth, "register");
    CHECK(take_lines(fourth) ==
          Lines{"Only 3 accounts may be registered from one address in an hour; try again in 30 minutes."});
    CHECK(f.background.jobs() == 0);

    auto& elsewhere = guest(f, "user4", "10.0.0.2");
    type_register(elsewhere);
    f.background.run_jobs();
    CHECK(elsewhere.authenticated());

    f.steady += 30min;  // the first one leaves the window
    type_register(fourth);
    f.background.run_jobs();
    CHECK(fourth.authenticated());
}

TEST_CASE("Registration throttle: sessions racing from one address are counted once their passwords are in") {
    Fixture f{config({.per_address = 1})};
    auto& a = guest(f, "alpha");
    auto& b = guest(f, "bravo");
    TestWorld::type(a, "register");
    TestWorld::type(b, "register");  // both pass the first check: nothing is under way yet
    CHECK(any_contains(take_lines(b), "Choose a password:"));
    for (const auto* line : {"long enough password", "long enough password"}) TestWorld::type(a, line);
    for (const auto* line : {"long enough password", "long enough password"}) TestWorld::type(b, line);
    CHECK(any_contains(take_lines(b), "Only 1 account may be registered from one address"));
    CHECK(f.background.jobs() == 1);
    f.background.run_jobs();
    CHECK(a.authenticated());
    CHECK_FALSE(b.authenticated());
}

TEST_CASE("Registration throttle: a reload changes the limits at once") {
    Fixture f{config({})};
    auto& first = guest(f, "first");
    type_register(first);
    f.background.run_jobs();
    f.t.world.reconfigure(config({.per_address = 1}));
    auto& second = guest(f, "second");
    TestWorld::type(second, "register");
    CHECK(take_lines(second) ==
          Lines{"Only 1 account may be registered from one address in an hour; try again in 60 minutes."});
    f.t.world.reconfigure(config({.per_address = 0}));
    type_register(second);
    f.background.run_jobs();
    CHECK(second.authenticated());
}

TEST_CASE("Registration throttle: the server-wide limit refuses every address") {
    Fixture f{config({.per_address = 3, .per_window = 2})};
    for (int i = 0; i < 2; ++i) {
        auto& s = guest(f, "user" + std::to_string(i), "10.0.1." + std::to_string(i));
        type_register(s);
        f.background.run_jobs();
    }
    auto& third = guest(f, "user2", "10.0.1.9");
    TestWorld::type(third, "register");
    CHECK(take_lines(third) ==
          Lines{"Only 2 accounts may be registered on this server in an hour; try again in 60 minutes."});
}

TEST_CASE("Registration throttle: an operator's own name is not counted or refused") {
    Fixture f{config({.per_address = 1, .operators = {"root"}})};
    auto& first = guest(f, "first");
    type_register(first);
    f.background.run_jobs();
    auto& root = guest(f, "root");
    type_register(root, "operator password");
    f.background.run_jobs();
    CHECK(root.authenticated());
}

TEST_CASE("Registration throttle: a registration the server was too busy for gives its place back") {
    // One hash at a time and none waiting: a second registration meanwhile is "busy".
    Fixture f{config({.per_address = 2, .hashing_queue = 0, .hashing_memory_mb = 64})};
    auto& a = guest(f, "alpha");
    auto& b = guest(f, "bravo");
    type_register(a);
    type_register(b);
    CHECK(has_line(take_lines(b), "Sorry, the server is busy; nothing was registered. Please try again in a moment."));
    f.background.run_jobs();
    CHECK(a.authenticated());
    CHECK_FALSE(f.t.world.accounts().is_registered("bravo"));
    // Bravo's try was not counted: one place is left for the address.
    type_register(b);
    f.background.run_jobs();
    CHECK(b.authenticated());
    auto& c = guest(f, "charlie");
    TestWorld::type(c, "register");
    CHECK(any_contains(take_lines(c), "Only 2 accounts may be registered from one address"));
}

TEST_CASE("Hashing queue: past it a login is told the server is busy, stays in the login room, and can retry") {
    Fixture f{config({.hashing_queue = 1, .hashing_memory_mb = 64})};
    for (const auto* name : {"amy", "ben", "cat"}) f.add_account(name, "long enough password");
    std::vector<Session*> sessions;
    for (const auto* name : {"amy", "ben", "cat"}) {
        auto& s = f.t.connect("10.0.0.9");
        TestWorld::type(s, "login " + std::string{name});
        TestWorld::type(s, "long enough password");
        sessions.push_back(&s);
    }
    CHECK(f.t.world.accounts().hashing().running() == 1);
    CHECK(f.t.world.accounts().hashing().waiting() == 1);
    auto& cat = *sessions[2];
    CHECK(has_line(take_lines(cat), "Sorry, the server is busy checking passwords; please log in again in a moment."));
    CHECK(cat.room() == &f.t.world.login_room());
    CHECK(f.background.waits() == 0);  // not a wrong password: no penalty delay

    f.background.run_jobs();
    CHECK(sessions[0]->authenticated());
    CHECK(sessions[1]->authenticated());
    TestWorld::type(cat, "login cat");
    TestWorld::type(cat, "long enough password");
    f.background.run_jobs();
    CHECK(cat.authenticated());
}

TEST_CASE("Hashing queue: a check whose session has gone before its turn is dropped unhashed") {
    Fixture f{config({.hashing_queue = 4, .hashing_memory_mb = 64})};
    for (const auto* name : {"amy", "ben"}) f.add_account(name, "long enough password");
    const auto hashed_before = f.background.jobs_run();
    auto& amy = f.t.connect();
    amy.receive("login amy\r\nlong enough password\r\n");
    auto& ben = f.t.connect();
    ben.receive("login ben\r\nlong enough password\r\n");
    CHECK(f.t.world.accounts().hashing().waiting() == 1);
    f.t.drop(ben);
    f.background.run_jobs();
    CHECK(amy.authenticated());
    CHECK(f.background.jobs_run() == hashed_before + 1);
    CHECK(f.t.world.accounts().hashing().waiting() == 0);
    CHECK(f.t.world.accounts().hashing().running() == 0);
}

TEST_CASE("Hashing queue: a password change past it is refused as busy and changes nothing") {
    Fixture f{config({.hashing_queue = 0, .hashing_memory_mb = 64})};
    f.add_account("amy", "long enough password");
    f.add_account("ben", "long enough password");
    auto& amy = f.login_with_password("amy", "long enough password");
    auto& ben = f.t.connect();
    ben.receive("login ben\r\nlong enough password\r\n");  // takes the one worker
    for (const auto* line : {"password", "long enough password", "a new password 1", "a new password 1"}) {
        TestWorld::type(amy, line);
    }
    CHECK(has_line(take_lines(amy),
                   "Sorry, the server is busy; your password was not changed. Please try again in a moment."));
    f.background.run_jobs();
    f.login_with_password("amy", "long enough password", "10.0.0.3");
}

TEST_CASE("Passwords: the name itself or a common password is refused before anything is hashed") {
    Fixture f;
    auto& alice = guest(f, "Alicia");
    type_register(alice, "alicia");
    CHECK(has_line(take_lines(alice),
                   "That password is too short: use at least 8 characters. Nothing was changed."));
    auto& bob = guest(f, "Bobby_Tables");
    type_register(bob, "bobby_tables");
    CHECK(has_line(take_lines(bob), "That password is your name, the first thing anyone would try. Nothing was changed."));
    type_register(bob, "Password1");
    CHECK(has_line(take_lines(bob),
                   "That password is one of the most common ones, which guessers try first. Nothing was changed."));
    CHECK(f.background.jobs() == 0);
    CHECK_FALSE(f.t.world.accounts().is_registered("bobby_tables"));
}

TEST_CASE("Expiry: the daily sweep removes accounts unused for expire_after_days, never operators or users online") {
    Fixture f{config({.expire_after_days = 30, .operators = {"root"}})};
    for (const auto* name : {"alice", "bob", "root", "carol"}) f.add_account(name, "long enough password");
    auto& carol = f.login_with_password("carol", "long enough password");  // and stays online
    f.wall += std::chrono::days{20};
    auto& bob = f.login_with_password("bob", "long enough password");
    TestWorld::type(bob, "logout");
    f.background.run_jobs();  // bob's visit is stored
    f.wall += std::chrono::days{11};  // alice: 31 days unused; bob: 11

    f.t.world.enforce_timeouts();
    CHECK(f.background.jobs() == 1);
    f.background.run_jobs();
    auto& accounts = f.t.world.accounts();
    CHECK_FALSE(accounts.is_registered("alice"));
    CHECK(accounts.is_registered("bob"));
    CHECK(accounts.is_registered("root"));
    CHECK(accounts.is_registered("carol"));
    CHECK(carol.authenticated());

    // Its name is free again.
    auto& someone = f.t.connect();
    TestWorld::type(someone, "login alice");
    CHECK(someone.room() == &f.t.world.main_room());

    // Once a day, not once a second.
    f.wall += 1h;
    f.t.world.enforce_timeouts();
    CHECK(f.background.jobs() == 0);
    f.wall += 24h;
    f.t.world.enforce_timeouts();
    CHECK(f.background.jobs() == 1);
}

TEST_CASE("Expiry: at start, accounts past the limit are removed before anyone can log in") {
    std::string path;
    test::ScratchDir dir;
    {
        Fixture before{config({}), dir.file("natter.db")};
        const auto now = before.wall;
        before.wall = now - std::chrono::days{50};
        before.add_account("alice", "long enough password");
        before.wall = now - std::chrono::days{10};
        before.add_account("bob", "long enough password");
        path = before.path;
    }
    Fixture after{config({.expire_after_days = 30}), path};
    CHECK_FALSE(after.t.world.accounts().is_registered("alice"));
    CHECK(after.t.world.accounts().is_registered("bob"));
}

TEST_CASE("Expiry: expire_after_days = 0 never removes anything") {
    Fixture f;
    f.add_account("alice", "long enough password");
    f.wall += std::chrono::days{3650};
    f.t.world.enforce_timeouts();
    CHECK(f.background.jobs() == 0);
    CHECK(f.t.world.accounts().is_registered("alice"));
}

TEST_CASE("Operators: accounts lists names with their registration and last-login dates") {
    Fixture f{config({.approval = true, .operators = {"root"}})};
    f.wall = march_5;
    for (const auto* name : {"root", "Alice", "albert"}) f.add_account(name, "long enough password");
    auto& root = f.login_with_password("root", "long enough password");
    f.wall += std::chrono::days{3};
    f.login_with_password("albert", "long enough password");
    auto& carl = guest(f, "carl", "10.0.0.5");
    type_register(carl);
    f.background.run_jobs();
    take_lines(root);

    TestWorld::type(root, "accounts");
    f.background.run_jobs();
    CHECK(take_lines(root) == Lines{"4 accounts:",
                                    "  albert               registered 2024-03-05, last login 2024-03-08",
                                    "  Alice                registered 2024-03-05, last login 2024-03-05",
                                    "  carl                 requested 2024-03-08, waiting for approval",
                                    "  root                 registered 2024-03-05, last login 2024-03-05"});
    TestWorld::type(root, "accounts AL");
    f.background.run_jobs();
    CHECK(take_lines(root).front() == "2 accounts starting with \"AL\":");
    TestWorld::type(root, "accounts zz");
    f.background.run_jobs();
    CHECK(take_lines(root) == Lines{"No accounts starting with \"zz\"."});
    TestWorld::type(root, "accounts no*such");
    CHECK(take_lines(root) == Lines{"Usage: accounts [prefix]"});
}

TEST_CASE("Operators: unregister removes an account; its owner online is told and goes on as a guest") {
    Fixture f{config({.operators = {"root"}})};
    f.add_account("root", "operator password");
    f.add_account("alice", "long enough password");
    auto& root = f.login_with_password("root", "operator password");
    auto& alice = f.login_with_password("alice", "long enough password", "10.0.0.4");
    TestWorld::type(root, "unregister alice");
    f.background.run_jobs();
    CHECK(take_lines(root) == Lines{"Removed the account alice."});
    CHECK(take_lines(alice) ==
          Lines{"*** root removed your account; you are a guest now, and the name is free once you leave."});
    CHECK_FALSE(alice.authenticated());
    CHECK(f.t.world.find_user("alice") == &alice);
    CHECK_FALSE(f.t.world.accounts().is_registered("alice"));
    TestWorld::type(alice, "say still here");
    CHECK(has_line(take_lines(alice), "alice: still here"));
    TestWorld::type(alice, "logout");
    auto& again = f.t.connect();
    TestWorld::type(again, "login alice");  // no password asked: a guest's name
    CHECK(again.room() == &f.t.world.main_room());
}

TEST_CASE("Operators: unregister refuses an operator's name and one that is not registered") {
    Fixture f{config({.operators = {"root", "admin"}})};
    f.add_account("root", "operator password");
    f.add_account("admin", "operator password");
    auto& root = f.login_with_password("root", "operator password");
    TestWorld::type(root, "unregister Admin");
    CHECK(take_lines(root) == Lines{"\"Admin\" is an operator: take it out of [operators] names first."});
    TestWorld::type(root, "unregister nobody");
    CHECK(take_lines(root) == Lines{"There is no account \"nobody\"."});
    TestWorld::type(root, "unregister");
    CHECK(take_lines(root) == Lines{"Usage: unregister <name>"});
    CHECK(f.background.jobs() == 0);
    CHECK(f.t.world.accounts().is_registered("admin"));
}

TEST_CASE("Approval: register files a request the operators hear of; the name is kept for its password") {
    Fixture f{config({.approval = true, .operators = {"root"}})};
    f.wall = march_5;
    f.add_account("root", "operator password");
    auto& root = f.login_with_password("root", "operator password");
    auto& bob = guest(f, "bob", "10.0.0.6");
    type_register(bob, "bobs password");
    f.background.run_jobs();
    CHECK(has_line(take_lines(bob), "Your request for the name \"bob\" has gone to the operators. Until one approves "
                                    "it you are a guest; your password is kept for when it is."));
    CHECK_FALSE(bob.authenticated());
    CHECK(has_line(take_lines(root), "*** bob (from 10.0.0.6) asks for an account: \"approve bob\" or \"deny bob\"."));
    CHECK(f.t.world.accounts().is_request("bob"));
    TestWorld::type(bob, "register");
    CHECK(take_lines(bob) == Lines{"The name \"bob\" is waiting for an operator's approval already."});

    // Reserved: someone else must know the password to use it.
    TestWorld::type(bob, "logout");
    auto& other = f.t.connect("10.0.0.7");
    TestWorld::type(other, "login bob");
    CHECK(any_contains(take_lines(other), "Password:"));
    TestWorld::type(other, "bobs password");
    f.background.run_jobs();
    CHECK(has_line(take_lines(other),
                   "Your account request is still waiting for an operator's approval; until then you are a guest."));
    CHECK(f.t.world.find_user("bob") == &other);
    CHECK_FALSE(other.authenticated());

    take_lines(root);
    TestWorld::type(root, "approve");
    f.background.run_jobs();
    CHECK(take_lines(root) == Lines{"1 account request waiting:", "  bob                  requested 2024-03-05"});

    TestWorld::type(root, "approve bob");
    f.background.run_jobs();
    CHECK(take_lines(root) == Lines{"Approved bob."});
    CHECK(take_lines(other) == Lines{"*** root approved your account: the name \"bob\" is yours now."});
    CHECK(other.authenticated());
    CHECK_FALSE(f.t.world.accounts().is_request("bob"));
    TestWorld::type(root, "approve bob");
    CHECK(take_lines(root) == Lines{"There is no account request for \"bob\"."});
    // An account now, with the password chosen at the request.
    f.login_with_password("bob", "bobs password", "10.0.0.8");
}

TEST_CASE("Approval: deny frees the name, and its requester stays a guest") {
    Fixture f{config({.approval = true, .operators = {"root"}})};
    f.add_account("root", "operator password");
    auto& root = f.login_with_password("root", "operator password");
    auto& eve = guest(f, "eve", "10.0.0.6");
    type_register(eve, "eves password");
    f.background.run_jobs();
    take_lines(root);
    TestWorld::type(root, "deny eve not today");
    f.background.run_jobs();
    CHECK(take_lines(root) == Lines{"Denied eve."});
    CHECK(has_line(take_lines(eve), "*** root turned down your account request (not today). You stay a guest."));
    CHECK_FALSE(f.t.world.accounts().is_registered("eve"));
    CHECK(f.t.world.find_user("eve") == &eve);
    TestWorld::type(root, "deny eve");
    CHECK(take_lines(root) == Lines{"There is no account request for \"eve\"."});
    TestWorld::type(eve, "logout");
    auto& again = f.t.connect();
    TestWorld::type(again, "login eve");
    CHECK(again.room() == &f.t.world.main_room());
}

TEST_CASE("Approval: deny does not remove an account, only a request") {
    Fixture f{config({.approval = true, .operators = {"root"}})};
    f.add_account("root", "operator password");
    f.add_account("alice", "long enough password");
    auto& root = f.login_with_password("root", "operator password");
    TestWorld::type(root, "deny alice");
    CHECK(take_lines(root) == Lines{"There is no account request for \"alice\"."});
    CHECK(f.t.world.accounts().is_registered("alice"));
}

TEST_CASE("Approval: an operator's own name is registered at once") {
    Fixture f{config({.approval = true, .operators = {"root"}})};
    auto& root = guest(f, "root");
    type_register(root, "operator password");
    f.background.run_jobs();
    CHECK(root.authenticated());
    CHECK_FALSE(f.t.world.accounts().is_request("root"));
    take_lines(root);
    TestWorld::type(root, "approve");
    f.background.run_jobs();
    CHECK(take_lines(root) == Lines{"No account requests are waiting."});
}

TEST_CASE("Approval: with accounts required, the requester waits in the login room until approved") {
    Fixture f{config({.approval = true, .require = true, .operators = {"root"}})};
    f.add_account("root", "operator password");
    auto& root = f.login_with_password("root", "operator password");
    auto& dan = f.t.connect("10.0.0.6");
    take_lines(dan);
    TestWorld::type(dan, "register dan");
    TestWorld::type(dan, "dans password");
    TestWorld::type(dan, "dans password");
    f.background.run_jobs();
    CHECK(has_line(take_lines(dan), "Your request for the name \"dan\" has gone to the operators. Once one approves "
                                    "it, log in with it and your password."));
    CHECK(dan.room() == &f.t.world.login_room());
    TestWorld::type(dan, "login dan");
    TestWorld::type(dan, "dans password");
    f.background.run_jobs();
    CHECK(has_line(take_lines(dan), "Your account request is still waiting for an operator's approval; you can log in "
                                    "once it is approved."));
    CHECK(dan.room() == &f.t.world.login_room());

    TestWorld::type(root, "approve dan");
    f.background.run_jobs();
    TestWorld::type(dan, "login dan");
    TestWorld::type(dan, "dans password");
    f.background.run_jobs();
    CHECK(dan.authenticated());
    CHECK(dan.room() == &f.t.world.main_room());
}

TEST_CASE("Operators: the account tools are theirs alone and are never matched by a prefix") {
    Fixture f{config({.operators = {"root"}})};
    f.add_account("root", "operator password");
    auto& root = f.login_with_password("root", "operator password");
    auto& bob = guest(f, "bob");
    for (const auto* line : {"accounts", "unregister root", "approve bob", "deny bob"}) {
        TestWorld::type(bob, line);
        CHECK(any_contains(take_lines(bob), "not allowed"));
    }
    TestWorld::type(root, "unreg bob");
    CHECK(take_lines(root) == Lines{"Unknown command: unreg"});
    TestWorld::type(root, "appr bob");
    CHECK(take_lines(root) == Lines{"Unknown command: appr"});
}

}  // namespace natter
