// Shout: `shout`, `shout :action`, `shemote` (also `semote`) reach everyone
// logged in, in every room, but those who ignore the shouter; off with
// [rooms] allow_shout = false.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/test_world.hpp"

namespace natter {
namespace {

using Lines = std::vector<std::string>;
using test::take_lines;
using test::TestWorld;

}  // namespace

TEST_CASE("Shout: everyone logged in hears it, in every room, the shouter included") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(bob, "join kitchen");
    auto& guest = t.connect();  // not logged in: hears nothing
    t.clear_all();
    TestWorld::type(amy, "shout fire drill at noon");
    CHECK(take_lines(amy) == Lines{"amy shouts: fire drill at noon"});
    CHECK(take_lines(bob) == Lines{"amy shouts: fire drill at noon"});
    CHECK(take_lines(guest).empty());
}

TEST_CASE("Shout: \"shout :waves\", shemote and semote shout an emote") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(bob, "join kitchen");
    t.clear_all();
    TestWorld::type(amy, "shout :waves to all");
    TestWorld::type(amy, "shemote bows");
    TestWorld::type(amy, "semote  grins");
    const Lines expected{"! amy waves to all", "! amy bows", "! amy grins"};
    CHECK(take_lines(amy) == expected);
    CHECK(take_lines(bob) == expected);
}

TEST_CASE("Shout: people who ignore the shouter do not get it, and the shouter is not told") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    auto& cat = t.login("cat");
    TestWorld::type(cat, "ignore amy");
    t.clear_all();
    TestWorld::type(amy, "shout hello");
    TestWorld::type(amy, "shemote waves");
    CHECK(take_lines(cat).empty());
    CHECK(take_lines(bob) == Lines{"amy shouts: hello", "! amy waves"});
    CHECK(take_lines(amy) == Lines{"amy shouts: hello", "! amy waves"});
}

TEST_CASE("Shout: without text shows the usage, with allow_shout off it is refused") {
    {
        TestWorld t;
        auto& amy = t.login("amy");
        TestWorld::type(amy, "shout");
        TestWorld::type(amy, "shemote");
        TestWorld::type(amy, "shout :");
        CHECK(take_lines(amy) == Lines{"Usage: shout <text>", "Usage: shemote <action>", "Usage: shemote <action>"});
    }
    auto config = test::test_config();
    config.rooms.allow_shout = false;
    TestWorld t{config};
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "shout hello");
    TestWorld::type(amy, "shemote waves");
    const std::string refused = "Shouting is turned off on this server; \"say\" speaks to the room.";
    CHECK(take_lines(amy) == Lines{refused, refused});
    CHECK(take_lines(bob).empty());
}

TEST_CASE("Shout: control characters and escapes never reach the others") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "shout red\x1b[31m alert\x07");
    CHECK(take_lines(bob) == Lines{"amy shouts: red[31m alert"});
}

}  // namespace natter
