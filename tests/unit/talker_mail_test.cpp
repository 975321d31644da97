// Mail between registered names: left for someone away and announced at
// their next login, announced at once to someone here, listed, read and
// deleted; at most [accounts] mailbox_max kept; only from and to registered
// names; flood-controlled; dropped when the receiver ignores the sender.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/account_fixture.hpp"

namespace natter {
namespace {

using Lines = std::vector<std::string>;
using test::has_line;
using test::take_lines;
using test::TestWorld;
using namespace std::chrono_literals;

constexpr const char* password = "long enough password";

struct MailFixture : test::AccountFixture {
    explicit MailFixture(Config config = test::test_config()) : AccountFixture{std::move(config)} {
        add_account("alice", password);
        add_account("bob", password);
    }

    // Types `line` into `session` and lets the store answer.
    std::vector<std::string> ask(Session& session, std::string_view line) {
        TestWorld::type(session, line);
        background.run_jobs();
        return take_lines(session);
    }

    // Logs in with the password; the lines after the password, as typed.
    std::vector<std::string> login_lines(Session& session, std::string_view name) {
        TestWorld::type(session, "login " + std::string{name});
        TestWorld::type(session, password);
        background.run_jobs();
        return take_lines(session);
    }
};

}  // namespace

TEST_CASE("Mail: left for someone away, announced at their next login, then listed and read") {
    MailFixture f;
    auto& alice = f.login_with_password("alice", password);
    CHECK(f.ask(alice, "mail bob see you at the meeting") == Lines{"Mail sent to bob."});
    CHECK(f.ask(alice, "mail BOB and bring the biscuits, please, the good ones with chocolate") ==
          Lines{"Mail sent to BOB."});

    auto& bob = f.t.connect();
    take_lines(bob);
    const auto lines = f.login_lines(bob, "bob");
    CHECK(has_line(lines, "You have 2 new messages; type \"mail\" to read them."));
    const auto listing = f.ask(bob, "mail");
    REQUIRE(listing.size() == 4);
    CHECK(listing[0] == "You have 2 messages, 2 new:");
    CHECK(listing[1].starts_with("  1. (new) from alice, "));
    CHECK(listing[1].ends_with(": see you at the meeting"));
    CHECK(listing[2].ends_with(": and bring the biscuits, please, the good..."));
    CHECK(listing[3] == "Type \"mail read <n>\" to read one, \"mail delete <n>\" or \"mail delete all\" to remove them.");

    const auto message = f.ask(bob, "mail read 2");
    REQUIRE(message.size() == 2);
    CHECK(message[0].starts_with("Message 2, from alice, "));
    CHECK(message[1] == "  and bring the biscuits, please, the good ones with chocolate");
    CHECK(f.ask(bob, "mail")[0] == "You have 2 messages, 1 new:");
    CHECK(f.ask(bob, "mail read 3") == Lines{"You have no message 3; type \"mail\" for the list."});
}

TEST_CASE("Mail: someone here gets a notice at once, one new message is one") {
    MailFixture f;
    auto& alice = f.login_with_password("alice", password);
    auto& bob = f.login_with_password("bob", password);
    CHECK(f.ask(alice, "mail bob hello") == Lines{"Mail sent to bob."});
    CHECK(take_lines(bob) == Lines{"You have new mail from alice; type \"mail\" to read it."});
    TestWorld::type(bob, "quit");
    f.background.run_jobs();
    auto& again = f.t.connect();
    take_lines(again);
    CHECK(has_line(f.login_lines(again, "bob"), "You have 1 new message; type \"mail\" to read it."));
    f.ask(again, "mail read 1");
    TestWorld::type(again, "quit");
    f.background.run_jobs();
    auto& third = f.t.connect();
    take_lines(third);
    for (const auto& line : f.login_lines(third, "bob")) CHECK(line.find("new message") == std::string::npos);
}

TEST_CASE("Mail: delete one (the rest move up) or all") {
    MailFixture f;
    auto& alice = f.login_with_password("alice", password);
    auto& bob = f.login_with_password("bob", password);
    for (const char* text : {"one", "two", "three"}) f.ask(alice, std::string{"mail bob "} + text);
    take_lines(bob);
    CHECK(f.ask(bob, "mail delete 2") == Lines{"Message 2 deleted; the ones after it move up."});
    const auto listing = f.ask(bob, "mail");
    REQUIRE(listing.size() == 4);
    CHECK(listing[1].ends_with(": one"));
    CHECK(listing[2].ends_with(": three"));
    CHECK(f.ask(bob, "mail delete 5") == Lines{"You have no message 5; type \"mail\" for the list."});
    CHECK(f.ask(bob, "mail delete all") == Lines{"2 messages deleted."});
    CHECK(f.ask(bob, "mail") == Lines{"You have no mail."});
    CHECK(f.ask(bob, "mail delete all") == Lines{"You have no mail to delete."});
}

TEST_CASE("Mail: at most mailbox_max are kept, the sender is told it is full") {
    auto config = test::test_config();
    config.accounts.mailbox_max = 2;
    MailFixture f{config};
    auto& alice = f.login_with_password("alice", password);
    CHECK(f.ask(alice, "mail bob one") == Lines{"Mail sent to bob."});
    CHECK(f.ask(alice, "mail bob two") == Lines{"Mail sent to bob."});
    CHECK(f.ask(alice, "mail bob three") == Lines{"The mailbox of bob is full; the mail was not sent."});
}

TEST_CASE("Mail: only registered names send and get it, one clear line for each mistake") {
    MailFixture f;
    auto& guest = f.t.login("gus");
    CHECK(f.ask(guest, "mail bob hi") == Lines{"Mail is for registered names; \"register\" gives you a mailbox."});
    CHECK(f.ask(guest, "mail") == Lines{"Mail is for registered names; \"register\" gives you a mailbox."});
    auto& alice = f.login_with_password("alice", password);
    CHECK(f.ask(alice, "mail gus hi") ==
          Lines{"gus is a guest; mail is for registered names only (a tell reaches them now)."});
    CHECK(f.ask(alice, "mail zed hi") == Lines{"No one called \"zed\" is registered; mail is for registered names only."});
    CHECK(f.ask(alice, "mail bob") ==
          Lines{"Usage: mail [<name> <text>|read <n>|delete <n>|all]"});
    CHECK(f.ask(alice, "mail read") ==
          Lines{"Usage: mail [<name> <text>|read <n>|delete <n>|all]"});
    CHECK(f.background.jobs() == 0);
}

TEST_CASE("Mail: a few a minute at most, a long one is cut to 1000 characters") {
    MailFixture f;
    auto& alice = f.login_with_password("alice", password);
    for (int i = 0; i < 5; ++i) CHECK(f.ask(alice, "mail bob note " + std::to_string(i)) == Lines{"Mail sent to bob."});
    CHECK(f.ask(alice, "mail bob one more") ==
          Lines{"You are sending mail too fast (at most 5 a minute); wait a little."});
    f.steady += 61s;
    CHECK(f.ask(alice, "mail bob " + std::string(1200, 'z')) ==
          Lines{"(Your message was cut to 1000 characters.)", "Mail sent to bob."});
    auto& bob = f.login_with_password("bob", password);
    CHECK(f.ask(bob, "mail read 6").back() == "  " + std::string(1000, 'z'));
}

TEST_CASE("Mail: to someone who ignores the sender, it is dropped and the sender is not told") {
    MailFixture f;
    {
        auto& bob = f.login_with_password("bob", password);
        f.ask(bob, "ignore alice");  // alice is offline: a registered name can be ignored
        TestWorld::type(bob, "quit");
        f.background.run_jobs();
    }
    auto& alice = f.login_with_password("alice", password);
    CHECK(f.ask(alice, "mail bob you cannot ignore me") == Lines{"Mail sent to bob."});
    auto& bob = f.t.connect();
    take_lines(bob);
    for (const auto& line : f.login_lines(bob, "bob")) CHECK(line.find("new message") == std::string::npos);
    CHECK(f.ask(bob, "mail") == Lines{"You have no mail."});
    // Online and ignoring: no notice either.
    take_lines(alice);
    CHECK(f.ask(alice, "mail bob still here") == Lines{"Mail sent to bob."});
    CHECK(take_lines(bob).empty());
}

TEST_CASE("Mail: text with escapes is stored clean and never reaches the reader's terminal") {
    MailFixture f;
    auto& alice = f.login_with_password("alice", password);
    f.ask(alice, "mail bob \x1b[2Jgotcha'); DROP TABLE mail; --");
    auto& bob = f.login_with_password("bob", password);
    CHECK(f.ask(bob, "mail read 1").back() == "  [2Jgotcha'); DROP TABLE mail; --");
}

}  // namespace natter
