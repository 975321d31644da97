// What a registered user keeps from one login to the next: description,
// profile, ignore list (and client settings, in mud_clients_test.cpp); a
// guest's go with the session.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/account_fixture.hpp"

namespace natter {
namespace {

using Lines = std::vector<std::string>;
using test::take_lines;
using test::TestWorld;

constexpr const char* password = "long enough password";

}  // namespace

TEST_CASE("Persistence: description, profile and ignore list come back at the next login") {
    test::ScratchDir dir;
    const auto path = dir.file("natter.db");
    {
        test::AccountFixture f{test::test_config(), path};
        f.add_account("amy", password);
        f.add_account("mallory", password);
        auto& amy = f.login_with_password("amy", password);
        f.t.login("spammer");
        TestWorld::type(amy, "desc the tea drinker");
        CHECK(take_lines(amy) == Lines{"You are now: amy the tea drinker"});
        TestWorld::type(amy, "profile I like tea.");
        TestWorld::type(amy, "profile And biscuits.");
        CHECK(take_lines(amy) == Lines{"Line 1 of your profile added.", "Line 2 of your profile added."});
        TestWorld::type(amy, "ignore mallory");  // offline, registered
        TestWorld::type(amy, "ignore spammer");  // online guest
        CHECK(take_lines(amy) == Lines{"You are now ignoring mallory.", "You are now ignoring spammer."});
        f.background.run_jobs();
    }
    // A restart, then amy logs in again.
    test::AccountFixture f{test::test_config(), path};
    auto& amy = f.login_with_password("amy", password);
    REQUIRE(amy.info() != nullptr);
    CHECK(amy.info()->description == "the tea drinker");
    CHECK(amy.info()->profile == Lines{"I like tea.", "And biscuits."});
    CHECK(amy.ignored() == Lines{"mallory", "spammer"});
    auto& mallory = f.login_with_password("mallory", password);
    TestWorld::type(mallory, "say hello amy");
    CHECK(take_lines(amy).empty());
    take_lines(mallory);
    TestWorld::type(mallory, "who");
    CHECK(take_lines(mallory) ==
          Lines{"The following are logged in:", "amy the tea drinker (lobby)", "mallory (lobby)"});

    // Changes are kept too: cleared things stay cleared.
    TestWorld::type(amy, "desc clear");
    TestWorld::type(amy, "profile clear");
    TestWorld::type(amy, "unignore mallory");
    f.background.run_jobs();
    TestWorld::type(amy, "quit");
    f.background.run_jobs();
    auto& again = f.login_with_password("amy", password);
    CHECK((again.info() == nullptr || (again.info()->description.empty() && again.info()->profile.empty())));
    CHECK(again.ignored() == Lines{"spammer"});
}

TEST_CASE("Persistence: sessions that end together are stored together, however many end") {
    test::AccountFixture f;
    const std::vector<std::string> names{"amy", "bob", "cat", "dan", "eve"};
    for (const auto& name : names) {
        f.add_account(name, password);
        f.login_with_password(name, password);
    }
    f.steady += std::chrono::minutes{10};
    f.t.world.shutdown("*** Server shutting down. Goodbye.");
    // The first logout is written at once, the other four wait for it and
    // then go in one write: two transactions, not five.
    CHECK(f.background.jobs() == 1);
    const auto before = f.background.jobs_run();
    f.background.run_jobs();
    CHECK(f.background.jobs_run() - before == 2);
    bool read = false;
    for (const auto& name : names) {
        f.t.world.accounts().card(name, [&](Result<std::optional<AccountStore::Card>> card) {
            REQUIRE(card);
            REQUIRE(card->has_value());
            CHECK((*card)->time_online == 600);
            read = true;
        });
        f.background.run_jobs();
    }
    CHECK(read);
}

TEST_CASE("Persistence: a guest's description and ignore list go with the session") {
    TestWorld t;
    auto& amy = t.login("amy");
    t.login("bob");
    TestWorld::type(amy, "desc passing through");
    TestWorld::type(amy, "ignore bob");
    TestWorld::type(amy, "quit");
    auto& again = t.login("amy");
    CHECK(again.info() == nullptr);
    CHECK(again.ignored().empty());
}

}  // namespace natter
