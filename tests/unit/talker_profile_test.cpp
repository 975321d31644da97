// Descriptions and profiles: `desc`, `profile`, `examine` (also `finger`),
// and `who <prefix>`. Guests keep theirs for the session; registered users'
// are in talker_persistence_test.cpp.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "commands/account_flow.hpp"
#include "tests/unit/account_fixture.hpp"

namespace natter {
namespace {

using Lines = std::vector<std::string>;
using test::take_lines;
using test::TestWorld;
using namespace std::chrono_literals;

// "2025-03-04": the date a registration at `when` is shown with.
std::string date_of(World::WallClock::time_point when) {
    return commands::calendar_date(std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count());
}

}  // namespace

TEST_CASE("Desc: shown after the name in who and look, desc alone shows it, desc clear clears it") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "desc");
    CHECK(take_lines(amy) == Lines{"You have no description; set one with \"desc <text>\"."});
    TestWorld::type(amy, "desc the tea drinker");
    CHECK(take_lines(amy) == Lines{"You are now: amy the tea drinker (for this session)"});
    TestWorld::type(bob, "who");
    CHECK(take_lines(bob) == Lines{"The following are logged in:", "amy the tea drinker (lobby)", "bob (lobby)"});
    TestWorld::type(bob, "look");
    CHECK(take_lines(bob) == Lines{"The following are in this room:", "amy the tea drinker", "bob"});
    TestWorld::type(amy, "desc");
    CHECK(take_lines(amy) == Lines{"Your description: the tea drinker"});
    TestWorld::type(amy, "desc clear");
    CHECK(take_lines(amy) == Lines{"Your description is cleared."});
    TestWorld::type(bob, "look");
    CHECK(take_lines(bob) == Lines{"The following are in this room:", "amy", "bob"});
}

TEST_CASE("Desc: cut to 60 characters (not bytes), and cleaned of escapes") {
    TestWorld t;
    auto& amy = t.login("amy");
    TestWorld::type(amy, "desc " + std::string(59, 'x') + "\xC3\xA9\xC3\xA9\xC3\xA9");
    CHECK(take_lines(amy) == Lines{"You are now: amy " + std::string(59, 'x') +
                                   "\xC3\xA9 (cut to 60 characters) (for this session)"});
    TestWorld::type(amy, "desc \x1b[2Jsneaky");
    take_lines(amy);
    CHECK(amy.info()->description == "[2Jsneaky");
}

TEST_CASE("Profile: lines are added one at a time, at most 20, shown and cleared") {
    TestWorld t;
    auto& amy = t.login("amy");
    TestWorld::type(amy, "profile");
    CHECK(take_lines(amy) == Lines{"Your profile is empty; add lines with \"profile <line>\"."});
    TestWorld::type(amy, "profile I like tea.");
    TestWorld::type(amy, "profile   And biscuits.");
    CHECK(take_lines(amy) ==
          Lines{"Line 1 of your profile added (for this session).", "Line 2 of your profile added (for this session)."});
    TestWorld::type(amy, "profile");
    CHECK(take_lines(amy) == Lines{"Your profile (2 of 20 lines):", "  I like tea.", "  And biscuits."});
    for (int i = 3; i <= 20; ++i) TestWorld::type(amy, "profile line " + std::to_string(i));
    take_lines(amy);
    TestWorld::type(amy, "profile one too many");
    CHECK(take_lines(amy) == Lines{"Your profile is full (20 lines); \"profile clear\" empties it."});
    CHECK(amy.info()->profile.size() == 20);
    TestWorld::type(amy, "profile " + std::string(120, 'y'));
    TestWorld::type(amy, "profile clear");
    CHECK(take_lines(amy) == Lines{"Your profile is full (20 lines); \"profile clear\" empties it.",
                                   "Your profile is cleared."});
    TestWorld::type(amy, "profile " + std::string(120, 'y'));
    CHECK(take_lines(amy) == Lines{"Line 1 of your profile added (cut to 100 characters) (for this session)."});
    CHECK(amy.info()->profile == Lines{std::string(100, 'y')});
}

TEST_CASE("Examine: an online guest's description, state, profile, finger is the same") {
    test::AccountFixture f;
    auto& amy = f.t.login("amy");
    auto& bob = f.t.login("bob");
    TestWorld::type(amy, "desc the tea drinker");
    TestWorld::type(amy, "profile I like tea.");
    TestWorld::type(amy, "away lunch");
    f.t.clear_all();
    f.steady += 2h + 5min;
    TestWorld::type(bob, "examine AMY");
    const Lines card{"amy the tea drinker", "  Online now, for 2h 5m, in lobby (idle 2h, away: lunch).",
                     "  A guest: the name is not registered.", "  Profile:", "    I like tea."};
    CHECK(take_lines(bob) == card);
    TestWorld::type(bob, "finger amy");
    CHECK(take_lines(bob) == card);
    CHECK(f.background.jobs() == 0);  // a guest's card needs no database
}

TEST_CASE("Examine: alone, yourself, nobody gets one clear line") {
    TestWorld t;
    auto& amy = t.login("amy");
    TestWorld::type(amy, "examine");
    CHECK(take_lines(amy) == Lines{"amy", "  Online now, for 0s, in lobby.", "  A guest: the name is not registered."});
    TestWorld::type(amy, "examine zed");
    CHECK(take_lines(amy) == Lines{"No one called \"zed\" is logged in or registered."});
    TestWorld::type(amy, "examine no spaces!");
    CHECK(take_lines(amy) == Lines{"No one called \"no spaces!\" is logged in or registered."});
}

TEST_CASE("Examine: a registered name, online or not, from the account store, off the loop") {
    test::AccountFixture f;
    f.add_account("carol", "long enough password");
    auto& bob = f.t.login("bob");
    {
        auto& carol = f.login_with_password("carol", "long enough password");
        TestWorld::type(carol, "desc of the hills");
        TestWorld::type(carol, "profile Hello.");
        f.background.run_jobs();
        f.steady += 90min;
        TestWorld::type(bob, "examine carol");
        CHECK(take_lines(bob).empty());  // waits for the store
        REQUIRE(f.background.jobs() == 1);
        f.background.run_jobs();
        const auto registered = date_of(f.wall);
        CHECK(take_lines(bob) == Lines{"carol of the hills", "  Online now, for 1h 30m, in lobby (idle 1h).",
                                       "  Registered since " + registered + "; online 1h 30m in all.", "  Profile:",
                                       "    Hello."});
        TestWorld::type(carol, "quit");
        f.background.run_jobs();  // the session's time is stored
        f.t.clear_all();
    }
    f.wall += 3h;
    TestWorld::type(bob, "examine Carol");
    f.background.run_jobs();
    const auto lines = take_lines(bob);
    REQUIRE(lines.size() == 5);
    CHECK(lines[0] == "carol of the hills");
    CHECK(lines[1].starts_with("  Last seen "));
    CHECK(lines[1].ends_with(" (3h ago)."));
    CHECK(lines[2].ends_with("; online 1h 30m in all."));
    CHECK(lines[4] == "    Hello.");
}

TEST_CASE("Who: a prefix lists only names that start with it, ignoring case") {
    TestWorld t;
    auto& amy = t.login("amy");
    t.login("Bob");
    t.login("bobby");
    TestWorld::type(amy, "who BO");
    CHECK(take_lines(amy) == Lines{"The following are logged in:", "Bob (lobby)", "bobby (lobby)"});
    TestWorld::type(amy, "who z");
    CHECK(take_lines(amy) == Lines{"No one logged in has a name starting with \"z\"."});
}

}  // namespace natter
