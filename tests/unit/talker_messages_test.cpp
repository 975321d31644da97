// Talker messages (SPEC §3): `me` and its `:` shortcut, the `'` and `"`
// shortcuts for say, and private `tell` / `reply`, read from the outboxes.
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

TEST_CASE("Me: the room, the actor included, sees the name and the action") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "me waves at everyone");
    CHECK(take_lines(amy) == Lines{"amy waves at everyone"});
    CHECK(take_lines(bob) == Lines{"amy waves at everyone"});
}

TEST_CASE("Me: the colon shortcut works with or without a space") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, ":grins");
    TestWorld::type(amy, ": nods slowly");
    CHECK(take_lines(bob) == Lines{"amy grins", "amy nods slowly"});
}

TEST_CASE("Me: an empty emote shows its usage to the actor only") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "me");
    TestWorld::type(amy, ":");
    CHECK(take_lines(amy) == Lines{"Usage: me <action>", "Usage: me <action>"});
    CHECK(take_lines(bob).empty());
}

TEST_CASE("Say: the ' and \" shortcuts mean say") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "'hello there");
    TestWorld::type(amy, "\" and again");
    CHECK(take_lines(bob) == Lines{"amy: hello there", "amy: and again"});
}

TEST_CASE("Tell: the receiver sees sender and text, the sender a confirmation, nobody else anything") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    auto& cat = t.login("cat");
    TestWorld::type(amy, "tell bob meet me at noon");
    CHECK(take_lines(bob) == Lines{"amy tells you: meet me at noon"});
    CHECK(take_lines(amy) == Lines{"You tell bob: meet me at noon"});
    CHECK(take_lines(cat).empty());
}

TEST_CASE("Tell: the name is matched case-insensitively and shown as its owner spells it") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("Bob");
    TestWorld::type(amy, "tell BOB hi");
    CHECK(take_lines(amy) == Lines{"You tell Bob: hi"});
    CHECK(take_lines(bob) == Lines{"amy tells you: hi"});
}

TEST_CASE("Tell: reaches someone in another room") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(bob, "join attic");
    t.clear_all();
    TestWorld::type(amy, "tell bob up there?");
    CHECK(take_lines(bob) == Lines{"amy tells you: up there?"});
}

TEST_CASE("Tell: an unknown or absent name is an error and nothing is delivered") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "tell Zed hello");
    CHECK(take_lines(amy) == Lines{"No one called \"Zed\" is logged in."});
    TestWorld::type(bob, "quit");
    t.clear_all();
    TestWorld::type(amy, "tell bob still there?");
    CHECK(take_lines(amy) == Lines{"No one called \"bob\" is logged in."});
    CHECK(take_lines(bob).empty());
}

TEST_CASE("Tell: to yourself, or without text, is refused") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "tell AMY hi");
    const auto self = take_lines(amy);
    REQUIRE(self.size() == 1);
    CHECK(self.front().starts_with("You cannot tell yourself"));
    TestWorld::type(amy, "tell bob");
    TestWorld::type(amy, "tell");
    CHECK(take_lines(amy) == Lines{"Usage: tell <name> <text>", "Usage: tell <name> <text>"});
    CHECK(take_lines(bob).empty());
}

TEST_CASE("Reply: answers the last person who told you something") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    auto& cat = t.login("cat");
    TestWorld::type(amy, "tell cat first");
    TestWorld::type(bob, "tell cat second");
    t.clear_all();
    TestWorld::type(cat, "reply got it");
    CHECK(take_lines(bob) == Lines{"cat tells you: got it"});
    CHECK(take_lines(cat) == Lines{"You tell bob: got it"});
    CHECK(take_lines(amy).empty());
    // The reply makes bob's own reply go back to cat.
    TestWorld::type(bob, "reply thanks");
    CHECK(take_lines(cat) == Lines{"bob tells you: thanks"});
}

TEST_CASE("Reply: with no one to answer, or the other gone, is an error") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "reply hello?");
    CHECK(take_lines(amy) == Lines{"No one has told you anything yet; use \"tell <name> <text>\"."});
    TestWorld::type(bob, "tell amy bye");
    TestWorld::type(bob, "quit");
    t.clear_all();
    TestWorld::type(amy, "reply");
    CHECK(take_lines(amy) == Lines{"Usage: reply <text> (to bob)"});
    TestWorld::type(amy, "reply wait");
    CHECK(take_lines(amy) == Lines{"No one called \"bob\" is logged in."});
}

}  // namespace natter
