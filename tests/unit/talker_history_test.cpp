// History (SPEC §3): the bounded ring on its own, and the `history` command
// with a wall clock the test sets, read from the outboxes.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "rooms/history.hpp"
#include "tests/unit/test_world.hpp"

namespace natter {
namespace {

using Lines = std::vector<std::string>;
using test::take_lines;
using test::TestWorld;
using namespace std::chrono_literals;

// 2026-11-22 00:00:00 UTC plus `since_midnight`.
History::WallClock::time_point at(std::chrono::seconds since_midnight) {
    return History::WallClock::time_point{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22}} +
           since_midnight;
}

Lines lines_of(const History& history) {
    Lines out;
    for (std::size_t i = 0; i < history.size(); ++i) out.push_back(history[i].text);
    return out;
}

void add(History& history, const std::string& text) {
    history.add({.when = at(0s), .kind = EventKind::say, .speaker = "x", .text = text});
}

// Two permanent rooms and the given history length.
Config history_config(std::uint32_t lines) {
    auto config = test::test_config();
    config.rooms.permanent = {"lobby", "cellar"};
    config.rooms.history_lines = lines;
    return config;
}

}  // namespace

TEST_CASE("History: keeps entries oldest first, up to its capacity") {
    History history{3};
    add(history, "a");
    add(history, "b");
    CHECK(lines_of(history) == Lines{"a", "b"});
    add(history, "c");
    add(history, "d");
    add(history, "e");
    CHECK(lines_of(history) == Lines{"c", "d", "e"});
    for (int i = 0; i < 10; ++i) add(history, std::to_string(i));
    CHECK(lines_of(history) == Lines{"7", "8", "9"});
}

TEST_CASE("History: a new capacity keeps the newest entries that fit") {
    History history{4};
    for (const auto* line : {"a", "b", "c", "d", "e", "f"}) add(history, line);  // wrapped
    history.set_capacity(2);
    CHECK(lines_of(history) == Lines{"e", "f"});
    history.set_capacity(3);
    add(history, "g");
    add(history, "h");
    CHECK(lines_of(history) == Lines{"f", "g", "h"});
    history.set_capacity(0);
    add(history, "i");
    CHECK(history.empty());
}

TEST_CASE("History: times are shown as HH:MM in UTC") {
    CHECK(clock_time(at(0s)) == "00:00");
    CHECK(clock_time(at(9h + 5min + 59s)) == "09:05");
    CHECK(clock_time(at(23h + 59min)) == "23:59");
}

TEST_CASE("History: the command shows says and emotes in order, with time and speaker") {
    TestWorld t{history_config(50)};
    auto when = at(14h + 3min);
    t.world.set_wall_clock([&] { return when; });
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "say hello");
    when += 2min;
    TestWorld::type(bob, "me waves");
    when += 1h;
    TestWorld::type(amy, "tell bob private");  // tells are not room history
    TestWorld::type(amy, "'later");
    t.clear_all();
    TestWorld::type(bob, "history");
    CHECK(take_lines(bob) == Lines{"Recent messages in lobby (times in UTC):", "[14:03] amy: hello",
                                   "[14:05] bob waves", "[15:05] amy: later"});
}

TEST_CASE("History: only the last history_lines messages are kept") {
    TestWorld t{history_config(3)};
    t.world.set_wall_clock([] { return at(8h); });
    auto& amy = t.login("amy");
    for (int i = 1; i <= 5; ++i) TestWorld::type(amy, "say line " + std::to_string(i));
    take_lines(amy);
    TestWorld::type(amy, "history");
    CHECK(take_lines(amy) == Lines{"Recent messages in lobby (times in UTC):", "[08:00] amy: line 3",
                                   "[08:00] amy: line 4", "[08:00] amy: line 5"});
}

TEST_CASE("History: each room has its own; an empty one says so") {
    TestWorld t{history_config(50)};
    t.world.set_wall_clock([] { return at(12h); });
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(bob, "join cellar");
    TestWorld::type(bob, "history");
    const auto cellar = take_lines(bob);
    CHECK(cellar.back() == "Nothing has been said in cellar lately.");
    TestWorld::type(bob, "say down here");
    TestWorld::type(amy, "say up here");
    t.clear_all();
    TestWorld::type(amy, "history");
    CHECK(take_lines(amy) == Lines{"Recent messages in lobby (times in UTC):", "[12:00] amy: up here"});
    TestWorld::type(bob, "history");
    CHECK(take_lines(bob) == Lines{"Recent messages in cellar (times in UTC):", "[12:00] bob: down here"});
}

TEST_CASE("History: history_lines = 0 keeps nothing") {
    TestWorld t{history_config(0)};
    auto& amy = t.login("amy");
    TestWorld::type(amy, "say gone at once");
    take_lines(amy);
    TestWorld::type(amy, "history");
    CHECK(take_lines(amy) == Lines{"Nothing has been said in lobby lately."});
}

TEST_CASE("History: lines of someone you ignore are left out") {
    TestWorld t{history_config(50)};
    t.world.set_wall_clock([] { return at(7h + 30min); });
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(bob, "say spam");
    TestWorld::type(amy, "say real");
    TestWorld::type(amy, "ignore bob");
    t.clear_all();
    TestWorld::type(amy, "history");
    CHECK(take_lines(amy) == Lines{"Recent messages in lobby (times in UTC):", "[07:30] amy: real"});
}

}  // namespace natter
