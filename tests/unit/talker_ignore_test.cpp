// Ignore (SPEC §3): `ignore`, `unignore` and the list; an ignored user's
// says, emotes and tells do not reach you, and they are not told.
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

TEST_CASE("Ignore: says, emotes and tells from the ignored user stop; the ignored user is not told") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    auto& cat = t.login("cat");
    TestWorld::type(amy, "ignore bob");
    CHECK(take_lines(amy) == Lines{"You are now ignoring bob."});
    CHECK(take_lines(bob).empty());

    TestWorld::type(bob, "say hi all");
    TestWorld::type(bob, "me dances");
    TestWorld::type(bob, "tell amy psst");
    CHECK(take_lines(amy).empty());
    CHECK(take_lines(cat) == Lines{"bob: hi all", "bob dances"});
    // bob sees his own lines and an ordinary confirmation.
    CHECK(take_lines(bob) == Lines{"bob: hi all", "bob dances", "You tell amy: psst"});
    // Others still reach amy; notices still do.
    TestWorld::type(cat, "say hello");
    CHECK(take_lines(amy) == Lines{"cat: hello"});
}

TEST_CASE("Ignore: an ignored tell does not change whom reply answers") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    auto& cat = t.login("cat");
    TestWorld::type(cat, "tell amy hi");
    TestWorld::type(amy, "ignore bob");
    TestWorld::type(bob, "tell amy me instead");
    t.clear_all();
    TestWorld::type(amy, "reply hi cat");
    CHECK(take_lines(cat) == Lines{"amy tells you: hi cat"});
    CHECK(take_lines(bob).empty());
}

TEST_CASE("Ignore: unignore lets the lines through again") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "ignore bob");
    TestWorld::type(amy, "unignore BOB");
    CHECK(take_lines(amy) == Lines{"You are now ignoring bob.", "You are no longer ignoring BOB."});
    TestWorld::type(bob, "say back");
    CHECK(take_lines(amy) == Lines{"bob: back"});
}

TEST_CASE("Ignore: the list, in the order ignored") {
    TestWorld t;
    auto& amy = t.login("amy");
    t.login("Zoe");
    t.login("bob");
    TestWorld::type(amy, "ignore");
    CHECK(take_lines(amy) == Lines{"You are not ignoring anyone."});
    TestWorld::type(amy, "ignore zoe");
    TestWorld::type(amy, "ignore bob");
    take_lines(amy);
    TestWorld::type(amy, "ignore");
    CHECK(take_lines(amy) == Lines{"You are ignoring: Zoe, bob"});
}

TEST_CASE("Ignore: yourself, twice, or an unknown name is refused") {
    TestWorld t;
    auto& amy = t.login("amy");
    t.login("bob");
    TestWorld::type(amy, "ignore AMY");
    CHECK(take_lines(amy) == Lines{"You cannot ignore yourself."});
    TestWorld::type(amy, "ignore Zed");
    CHECK(take_lines(amy) == Lines{"No one called \"Zed\" is logged in or registered."});
    TestWorld::type(amy, "ignore bob");
    TestWorld::type(amy, "ignore Bob");
    CHECK(take_lines(amy) == Lines{"You are now ignoring bob.", "You are already ignoring bob."});
    CHECK(amy.ignored().size() == 1);
}

TEST_CASE("Ignore: unignore of someone not ignored, or without a name, says so") {
    TestWorld t;
    auto& amy = t.login("amy");
    TestWorld::type(amy, "unignore bob");
    CHECK(take_lines(amy) == Lines{"You are not ignoring \"bob\"."});
    TestWorld::type(amy, "unignore");
    CHECK(take_lines(amy) == Lines{"Usage: unignore <name>; type \"ignore\" for the list."});
}

TEST_CASE("Ignore: lasts after the ignored user logs out and back in") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "ignore bob");
    TestWorld::type(bob, "quit");
    auto& bob2 = t.login("bob");
    TestWorld::type(bob2, "say I am back");
    CHECK(take_lines(amy).empty());
    TestWorld::type(amy, "ignore");
    CHECK(take_lines(amy) == Lines{"You are ignoring: bob"});
}

}  // namespace natter
