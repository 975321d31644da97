// LoginRoom (SPEC §2): the welcome, and every classic reply of `login`.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rooms/room.hpp"
#include "tests/unit/test_world.hpp"

namespace natter {
namespace {

using Lines = std::vector<std::string>;
using test::take_lines;
using test::TestWorld;

}  // namespace

TEST_CASE("LoginRoom: a new connection is welcomed with the server name") {
    TestWorld t;
    auto& s = t.connect();
    CHECK(take_lines(s) == Lines{"Welcome to TestChat"});
    CHECK(s.room() == &t.world.login_room());
}

TEST_CASE("LoginRoom: the message of the day follows the welcome") {
    auto config = test::test_config();
    config.server.motd = {"Be nice.", "", "Have fun."};
    TestWorld t{config};
    auto& s = t.connect();
    CHECK(take_lines(s) == Lines{"Welcome to TestChat", "Be nice.", "", "Have fun."});
}

TEST_CASE("LoginRoom: login with a free name enters the main room") {
    TestWorld t;
    auto& s = t.connect();
    take_lines(s);
    TestWorld::type(s, "login Bob");
    CHECK(s.name() == "Bob");
    CHECK(s.room() == &t.world.main_room());
    CHECK(t.world.find_user("bob") == &s);
    CHECK(take_lines(s).empty());  // classic: the newcomer hears nothing
}

TEST_CASE("LoginRoom: an empty name is refused") {
    TestWorld t;
    auto& s = t.connect();
    take_lines(s);
    for (const char* line : {"login", "login ", "login   \t"}) {
        CAPTURE(line);
        TestWorld::type(s, line);
        CHECK(take_lines(s) == Lines{"Please enter a name"});
        CHECK(s.room() == &t.world.login_room());
    }
}

TEST_CASE("LoginRoom: a taken name is refused, case-insensitively, naming it as typed") {
    TestWorld t;
    auto& bob = t.login("Bob");
    auto& s = t.connect();
    take_lines(s);
    TestWorld::type(s, "login Bob");
    CHECK(take_lines(s) == Lines{"The name \"Bob\" is taken.", "Please try again."});
    TestWorld::type(s, "login bOB");
    CHECK(take_lines(s) == Lines{"The name \"bOB\" is taken.", "Please try again."});
    CHECK(s.room() == &t.world.login_room());
    CHECK(s.name().empty());
    CHECK(take_lines(bob).empty());
    // The session may try again.
    TestWorld::type(s, "login Rob");
    CHECK(s.name() == "Rob");
    CHECK(take_lines(bob) == Lines{"Rob has entered the room."});
}

TEST_CASE("LoginRoom: an invalid name gets one line saying what a valid name is") {
    for (const char* name : {"1bob", "_bob", "bob!", "bob smith", "b\xC3\xB6" "b", "abcdefghijklmnopqrstu"}) {
        CAPTURE(name);
        TestWorld t;
        auto& s = t.connect();
        take_lines(s);
        TestWorld::type(s, std::string{"login "} + name);
        const auto lines = take_lines(s);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].find("20") != std::string::npos);
        CHECK(s.room() == &t.world.login_room());
        CHECK(s.name().empty());
        CHECK(t.world.users().empty());
    }
}

TEST_CASE("LoginRoom: a name of exactly 20 characters is accepted") {
    TestWorld t;
    auto& s = t.connect();
    TestWorld::type(s, "login abcdefghijklmnopqrst");
    CHECK(s.name() == "abcdefghijklmnopqrst");
}

TEST_CASE("LoginRoom: the name's control characters are removed before it is checked") {
    TestWorld t;
    auto& s = t.connect();
    TestWorld::type(s, "login bo\x1B" "b");
    CHECK(s.name() == "bob");
}

TEST_CASE("LoginRoom: logout and quit close the connection without notices") {
    for (const char* verb : {"logout", "quit", "q"}) {
        CAPTURE(verb);
        TestWorld t;
        auto& amy = t.login("amy");
        auto& s = t.connect();
        take_lines(s);
        TestWorld::type(s, verb);
        CHECK(s.closing());
        CHECK(s.room() == &t.world.logout_room());
        CHECK(take_lines(amy).empty());
        CHECK(t.world.users().size() == 1);
    }
}

TEST_CASE("LoginRoom: a session in the login room is not listed by who or look") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& s = t.connect();
    take_lines(s);
    TestWorld::type(amy, "who");
    {
        const auto who = take_lines(amy);
        REQUIRE_FALSE(who.empty());
        CHECK(who[0] == "The following are logged in:");
        CHECK(test::listed_names(who) == Lines{"amy"});
    }
    TestWorld::type(amy, "look");
    CHECK(take_lines(amy) == Lines{"The following are in this room:", "amy"});
}

}  // namespace natter
