// ChatRoom (SPEC §2): entered/left notices, say, look, who, logout, and a
// dropped connection, with the classic strings to the letter.
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

TEST_CASE("ChatRoom: those already in the room are told of a newcomer; the newcomer is not") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& s = t.connect();
    take_lines(s);
    TestWorld::type(s, "login bob");
    CHECK(take_lines(amy) == Lines{"bob has entered the room."});
    CHECK(take_lines(s).empty());
}

TEST_CASE("ChatRoom: enter and leave notices are ordered, with three sessions") {
    TestWorld t;
    auto& zed = t.connect();
    TestWorld::type(zed, "login zed");
    auto& amy = t.connect();
    TestWorld::type(amy, "login amy");
    auto& mike = t.connect();
    TestWorld::type(mike, "login mike");
    CHECK(take_lines(zed) == Lines{"Welcome to TestChat", "amy has entered the room.", "mike has entered the room."});
    CHECK(take_lines(amy) == Lines{"Welcome to TestChat", "mike has entered the room."});
    CHECK(take_lines(mike) == Lines{"Welcome to TestChat"});

    TestWorld::type(amy, "quit");
    CHECK(take_lines(zed) == Lines{"amy has left the room."});
    CHECK(take_lines(mike) == Lines{"amy has left the room."});
    CHECK(take_lines(amy).empty());

    TestWorld::type(zed, "logout");
    CHECK(take_lines(mike) == Lines{"zed has left the room."});
    CHECK(take_lines(zed).empty());
    CHECK(t.world.main_room().members().size() == 1);
}

TEST_CASE("ChatRoom: say reaches everyone in the room, the sender included") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    auto& cat = t.login("cat");
    auto& lurker = t.connect();
    take_lines(lurker);
    TestWorld::type(bob, "say Hello, world!");
    for (auto* s : {&amy, &bob, &cat}) CHECK(take_lines(*s) == Lines{"bob: Hello, world!"});
    CHECK(take_lines(lurker).empty());  // not logged in: not in the room
}

TEST_CASE("ChatRoom: say keeps the text as typed, inner spaces included") {
    TestWorld t;
    auto& bob = t.login("bob");
    TestWorld::type(bob, "say  a  b  ");
    CHECK(take_lines(bob) == Lines{"bob: a  b"});
    TestWorld::type(bob, "say say look who");
    CHECK(take_lines(bob) == Lines{"bob: say look who"});
}

TEST_CASE("ChatRoom: an empty say does nothing") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    for (const char* line : {"say", "say ", "say \t "}) {
        CAPTURE(line);
        TestWorld::type(bob, line);
        CHECK(take_lines(amy).empty());
        CHECK(take_lines(bob).empty());
    }
}

TEST_CASE("ChatRoom: say removes control characters before others see them") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(bob, "say \x1B[2J\x1B[31mred\x07 \xE2\x80\xAE" "evil\xC2\x9B");
    CHECK(take_lines(amy) == Lines{"bob: [2J[31mred evil"});
}

TEST_CASE("ChatRoom: look lists the room in join order") {
    TestWorld t;
    auto& zed = t.login("zed");
    t.login("amy");
    auto& mike = t.login("mike");
    TestWorld::type(mike, "look");
    CHECK(take_lines(mike) == Lines{"The following are in this room:", "zed", "amy", "mike"});
    // Leaving and coming back moves a person to the end.
    TestWorld::type(zed, "quit");
    auto& zed2 = t.login("zed");
    TestWorld::type(zed2, "look");
    CHECK(take_lines(zed2) == Lines{"The following are in this room:", "amy", "mike", "zed"});
}

TEST_CASE("ChatRoom: who lists everyone logged in, in login order") {
    TestWorld t;
    t.login("zed");
    auto& amy = t.login("amy");
    auto& mike = t.login("mike");
    TestWorld::type(mike, "who");
    {
        const auto who = take_lines(mike);
        REQUIRE_FALSE(who.empty());
        CHECK(who[0] == "The following are logged in:");
        CHECK(test::listed_names(who) == Lines{"zed", "amy", "mike"});
    }
    TestWorld::type(amy, "quit");
    t.login("bea");
    TestWorld::type(mike, "who");
    {
        const auto who = take_lines(mike);
        REQUIRE_FALSE(who.empty());
        CHECK(who[0] == "The following are logged in:");
        CHECK(test::listed_names(who) == Lines{"zed", "mike", "bea"});
    }
}

TEST_CASE("ChatRoom: logout tells the others, frees the name and closes the session") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(bob, "logout");
    CHECK(take_lines(amy) == Lines{"bob has left the room."});
    CHECK(bob.closing());
    CHECK(bob.room() == &t.world.logout_room());
    CHECK(t.world.find_user("bob") == nullptr);
    // Input after logout is ignored.
    TestWorld::type(bob, "say still here?");
    CHECK(take_lines(amy).empty());
    CHECK(take_lines(bob).empty());
    // Another session can take the name, in any case.
    auto& s = t.connect();
    take_lines(s);
    TestWorld::type(s, "login BOB");
    CHECK(s.name() == "BOB");
    CHECK(take_lines(amy) == Lines{"BOB has entered the room."});
}

TEST_CASE("ChatRoom: a dropped connection frees the name and tells the room") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    auto& cat = t.login("cat");
    t.drop(bob);
    CHECK(take_lines(amy) == Lines{"bob has left the room."});
    CHECK(take_lines(cat) == Lines{"bob has left the room."});
    CHECK(t.world.find_user("bob") == nullptr);
    TestWorld::type(amy, "look");
    CHECK(take_lines(amy) == Lines{"The following are in this room:", "amy", "cat"});
    TestWorld::type(amy, "who");
    {
        const auto who = take_lines(amy);
        REQUIRE_FALSE(who.empty());
        CHECK(who[0] == "The following are logged in:");
        CHECK(test::listed_names(who) == Lines{"amy", "cat"});
    }
    auto& s = t.connect();
    TestWorld::type(s, "login bob");
    CHECK(s.name() == "bob");
    CHECK(s.room() == &t.world.main_room());
}

TEST_CASE("ChatRoom: a dropped connection after logout sends no second notice") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(bob, "quit");
    CHECK(take_lines(amy) == Lines{"bob has left the room."});
    t.drop(bob);
    CHECK(take_lines(amy).empty());
}

TEST_CASE("ChatRoom: a dropped connection that never logged in tells nobody") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& s = t.connect();
    t.drop(s);
    CHECK(take_lines(amy).empty());
    CHECK(t.world.sessions().size() == 1);
}

TEST_CASE("ChatRoom: with announce_addresses the entered notice carries the address") {
    auto config = test::test_config();
    config.server.announce_addresses = true;
    TestWorld t{config};
    auto& amy = t.login("amy");
    auto& s = t.connect("192.0.2.7");
    TestWorld::type(s, "login bob");
    const auto lines = take_lines(amy);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].starts_with("bob has entered the room."));
    CHECK(lines[0].find("192.0.2.7") != std::string::npos);
}

TEST_CASE("ChatRoom: rooms over announce_max_members send no entered/left notices") {
    auto config = test::test_config();
    config.rooms.announce_max_members = 2;
    TestWorld t{config};
    auto& amy = t.login("amy");
    t.login("bob");
    auto& s = t.connect();
    TestWorld::type(s, "login cat");  // the room would have 3 members
    CHECK(take_lines(amy).empty());
    TestWorld::type(s, "quit");  // 3 members before leaving
    CHECK(take_lines(amy).empty());
}

TEST_CASE("ChatRoom: rooms at announce_max_members still send notices") {
    auto config = test::test_config();
    config.rooms.announce_max_members = 2;
    TestWorld t{config};
    auto& amy = t.login("amy");
    auto& s = t.connect();
    TestWorld::type(s, "login bob");  // the room will have 2 members
    CHECK(take_lines(amy) == Lines{"bob has entered the room."});
    TestWorld::type(s, "quit");
    CHECK(take_lines(amy) == Lines{"bob has left the room."});
}

}  // namespace natter
