// Away: `away [message]` and `back`; who and look show it, a tell gets the
// message back, any command but who, look and help brings one back, and
// idle users are marked away after [limits] auto_away_s, before the idle
// timeout.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/unit/test_world.hpp"

namespace natter {
namespace {

using Lines = std::vector<std::string>;
using test::take_lines;
using test::TestWorld;
using namespace std::chrono_literals;

// A TestWorld whose steady clock stands still until the test moves it.
struct ClockedWorld {
    explicit ClockedWorld(Config config = test::test_config()) : t{std::move(config)} {
        t.world.set_clock([this] { return now; });
    }
    World::Clock::time_point now = World::Clock::now();
    TestWorld t;
};

const std::string away_reply = "You are now away (lunch); any command but who, look and help brings you back.";

}  // namespace

TEST_CASE("Away: the room is told, the user gets a confirmation, and back undoes it") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "away lunch");
    CHECK(take_lines(amy) == Lines{away_reply});
    CHECK(take_lines(bob) == Lines{"amy is away: lunch"});
    CHECK(amy.away());
    TestWorld::type(amy, "back");
    CHECK(take_lines(amy) == Lines{"You are back."});
    CHECK(take_lines(bob) == Lines{"amy is back."});
    CHECK_FALSE(amy.away());
    TestWorld::type(amy, "back");
    CHECK(take_lines(amy) == Lines{"You are not away."});
    TestWorld::type(amy, "away");
    CHECK(take_lines(amy) == Lines{"You are now away; any command but who, look and help brings you back."});
    CHECK(take_lines(bob) == Lines{"amy is away."});
}

TEST_CASE("Away: a new message while away changes it without telling the room again") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "away lunch");
    t.clear_all();
    TestWorld::type(amy, "away meeting");
    CHECK(take_lines(bob).empty());
    TestWorld::type(bob, "look");
    CHECK(take_lines(bob) == Lines{"The following are in this room:", "amy (away: meeting)", "bob"});
}

TEST_CASE("Away: who and look show it, they, and help, do not bring one back") {
    TestWorld t;
    auto& amy = t.login("amy");
    t.login("bob");
    TestWorld::type(amy, "away lunch");
    take_lines(amy);
    TestWorld::type(amy, "who");
    CHECK(take_lines(amy) == Lines{"The following are logged in:", "amy (lobby, away: lunch)", "bob (lobby)"});
    TestWorld::type(amy, "look");
    CHECK(take_lines(amy) == Lines{"The following are in this room:", "amy (away: lunch)", "bob"});
    TestWorld::type(amy, "help who");
    take_lines(amy);
    CHECK(amy.away());
}

TEST_CASE("Away: any other command, a shortcut or an unknown command brings one back first") {
    for (const char* line : {"say hi", "'hi", "rooms", "frobnicate", "tell bob hi", "join kitchen"}) {
        CAPTURE(line);
        TestWorld t;
        auto& amy = t.login("amy");
        auto& bob = t.login("bob");
        TestWorld::type(amy, "away");
        t.clear_all();
        TestWorld::type(amy, line);
        const auto lines = take_lines(amy);
        REQUIRE_FALSE(lines.empty());
        CHECK(lines.front() == "You are back.");
        CHECK(take_lines(bob).front() == "amy is back.");
        CHECK_FALSE(amy.away());
    }
}

TEST_CASE("Away: logging out while away says nothing about coming back") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "away");
    t.clear_all();
    TestWorld::type(amy, "quit");
    CHECK(take_lines(bob) == Lines{"amy has left the room."});
}

TEST_CASE("Away: a tell to someone away gets their message back, the tell is still delivered") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "away at lunch, back at two");
    t.clear_all();
    TestWorld::type(bob, "tell amy are you there?");
    CHECK(take_lines(bob) == Lines{"You tell amy: are you there?", "amy is away: at lunch, back at two."});
    CHECK(take_lines(amy) == Lines{"bob tells you: are you there?"});
    CHECK(amy.away());  // receiving a tell is no command of hers
}

TEST_CASE("Away: an over-long message is cut to 100 characters") {
    TestWorld t;
    auto& amy = t.login("amy");
    TestWorld::type(amy, "away " + std::string(150, 'x'));
    REQUIRE(amy.info() != nullptr);
    CHECK(amy.info()->away_message == std::string(100, 'x'));
}

TEST_CASE("Away: who shows idle time from a minute on, in minutes, hours, days") {
    ClockedWorld c;
    auto& amy = c.t.login("amy");
    auto& bob = c.t.login("bob");
    c.now += 4min + 30s;
    TestWorld::type(amy, "who");
    CHECK(take_lines(amy) == Lines{"The following are logged in:", "amy (lobby)", "bob (lobby, idle 4m)"});
    c.now += 2h;
    TestWorld::type(bob, "who");
    CHECK(take_lines(bob) == Lines{"The following are logged in:", "amy (lobby, idle 2h)", "bob (lobby)"});
}

TEST_CASE("Away: auto_away_s of idling marks a user away, once, with a notice to the room") {
    auto config = test::test_config();
    config.limits.auto_away_s = 600;
    config.limits.idle_timeout_s = 3600;
    ClockedWorld c{config};
    auto& amy = c.t.login("amy");
    auto& bob = c.t.login("bob");
    c.now += 599s;
    TestWorld::type(bob, "say still here");
    c.t.clear_all();
    c.now += 1s;
    c.t.world.enforce_timeouts();
    CHECK(amy.away());
    CHECK_FALSE(bob.away());
    CHECK(take_lines(amy) == Lines{"You have been idle for 10m and are marked away; type anything to come back."});
    CHECK(take_lines(bob) == Lines{"amy is away (idle)."});
    c.now += 1s;
    c.t.world.enforce_timeouts();
    CHECK(take_lines(bob).empty());
    TestWorld::type(bob, "who");
    CHECK(take_lines(bob) == Lines{"The following are logged in:", "amy (lobby, idle 10m, away)", "bob (lobby)"});
    TestWorld::type(bob, "tell amy ping");
    CHECK(take_lines(bob) == Lines{"You tell amy: ping", "amy is away (idle 10m)."});
    // who and look do not end it; a say does.
    TestWorld::type(amy, "look");
    take_lines(amy);
    c.now += 1s;
    c.t.world.enforce_timeouts();
    CHECK(amy.away());
    TestWorld::type(amy, "say sorry, I was away");
    CHECK(take_lines(amy) == Lines{"You are back.", "amy: sorry, I was away"});
    CHECK(take_lines(bob) == Lines{"amy is back.", "amy: sorry, I was away"});
}

TEST_CASE("Away: no auto-away when it would not come before the idle timeout, or when off") {
    for (const auto& [auto_away, idle_timeout] : {std::pair{3600U, 3600U}, std::pair{0U, 3600U}}) {
        auto config = test::test_config();
        config.limits.auto_away_s = auto_away;
        config.limits.idle_timeout_s = idle_timeout;
        ClockedWorld c{config};
        auto& amy = c.t.login("amy");
        c.now += 3599s;
        c.t.world.enforce_timeouts();
        CHECK_FALSE(amy.away());
    }
}

TEST_CASE("Away: a big room is not told, as it is not told of arrivals") {
    auto config = test::test_config();
    config.rooms.announce_max_members = 2;
    TestWorld t{config};
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    auto& cat = t.login("cat");
    TestWorld::type(amy, "away");
    TestWorld::type(amy, "back");
    CHECK(take_lines(bob).empty());
    CHECK(take_lines(cat).empty());
}

TEST_CASE("Away: someone who ignores you does not hear you go or come back") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(bob, "ignore amy");
    t.clear_all();
    TestWorld::type(amy, "away");
    TestWorld::type(amy, "back");
    CHECK(take_lines(bob).empty());
}

}  // namespace natter
