// Room::dispatch (SPEC §2, STYLE "Rooms own their command sets"): verbs are
// case-insensitive, unique prefixes work, aliases and shortcuts, blank lines,
// and each room's own "no match" reply.
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

TEST_CASE("Dispatch: verbs are case-insensitive") {
    TestWorld t;
    auto& bob = t.login("bob");
    TestWorld::type(bob, "SAY Hello There");
    CHECK(take_lines(bob) == Lines{"bob: Hello There"});
    TestWorld::type(bob, "Look");
    CHECK(take_lines(bob) == Lines{"The following are in this room:", "bob"});
    TestWorld::type(bob, "wHO");
    {
        const auto who = take_lines(bob);
        REQUIRE_FALSE(who.empty());
        CHECK(who[0] == "The following are logged in:");
        CHECK(test::listed_names(who) == Lines{"bob"});
    }
}

TEST_CASE("Dispatch: a unique prefix of a command name works") {
    TestWorld t;
    auto& bob = t.login("bob");
    TestWorld::type(bob, "sa hi");
    CHECK(take_lines(bob) == Lines{"bob: hi"});
    TestWorld::type(bob, "loo");
    CHECK(take_lines(bob) == Lines{"The following are in this room:", "bob"});
    TestWorld::type(bob, "W");
    {
        const auto who = take_lines(bob);
        REQUIRE_FALSE(who.empty());
        CHECK(who[0] == "The following are logged in:");
        CHECK(test::listed_names(who) == Lines{"bob"});
    }
    TestWorld::type(bob, "logo");
    CHECK(bob.closing());
}

TEST_CASE("Dispatch: a prefix of an alias works") {
    TestWorld t;
    auto& bob = t.login("bob");
    TestWorld::type(bob, "qu");
    CHECK(bob.closing());
}

TEST_CASE("Dispatch: an ambiguous prefix lists the candidates and runs nothing") {
    TestWorld t;
    auto& bob = t.login("bob");
    // "lo" could be logout or look.
    TestWorld::type(bob, "lo");
    CHECK(take_lines(bob) == Lines{"Ambiguous command \"lo\": logout, look"});
    CHECK_FALSE(bob.closing());
    TestWorld::type(bob, "L");
    CHECK(take_lines(bob) == Lines{"Ambiguous command \"L\": logout, look"});
    CHECK_FALSE(bob.closing());
    // "s" was say before shout and seen came; the shortcut ' still is.
    TestWorld::type(bob, "s hi");
    CHECK(take_lines(bob) == Lines{"Ambiguous command \"s\": say, seen, shemote, shout"});
}

TEST_CASE("Dispatch: in the login room 'lo' is ambiguous between login and logout") {
    TestWorld t;
    auto& s = t.connect();
    take_lines(s);
    TestWorld::type(s, "lo bob");
    CHECK(take_lines(s) == Lines{"Ambiguous command \"lo\": login, logout"});
    CHECK(s.name().empty());
    CHECK_FALSE(s.closing());
    TestWorld::type(s, "logi bob");
    CHECK(s.name() == "bob");
}

TEST_CASE("Dispatch: find_command prefers an exact name or alias to a prefix") {
    TestWorld t;
    auto& room = t.world.main_room();
    const auto* q = room.find_command("q");
    REQUIRE(q != nullptr);
    CHECK(q->name == "logout");
    const auto* look = room.find_command("LOOK");
    REQUIRE(look != nullptr);
    CHECK(look->name == "look");
    std::vector<const CommandSpec*> ambiguous;
    CHECK(room.find_command("lo", &ambiguous) == nullptr);
    CHECK(ambiguous.size() == 2);
    CHECK(room.find_command("xyzzy") == nullptr);
}

TEST_CASE("Dispatch: quit and q are aliases of logout") {
    for (const char* verb : {"logout", "quit", "q", "QUIT", "Q"}) {
        CAPTURE(verb);
        TestWorld t;
        auto& amy = t.login("amy");
        auto& bob = t.login("bob");
        TestWorld::type(bob, verb);
        CHECK(bob.closing());
        CHECK(take_lines(amy) == Lines{"bob has left the room."});
    }
}

TEST_CASE("Dispatch: blank lines do nothing, in the login room and the chat room") {
    TestWorld t;
    auto& s = t.connect();
    take_lines(s);
    for (const char* line : {"", " ", "   ", "\t", " \t "}) {
        TestWorld::type(s, line);
        CHECK(take_lines(s).empty());
    }
    auto& bob = t.login("bob");
    for (const char* line : {"", " ", "   ", "\t", " \t "}) {
        TestWorld::type(bob, line);
        CHECK(take_lines(bob).empty());
    }
}

TEST_CASE("Dispatch: leading and trailing blanks around a command are ignored") {
    TestWorld t;
    auto& bob = t.login("bob");
    TestWorld::type(bob, "   say   spaced out   ");
    CHECK(take_lines(bob) == Lines{"bob: spaced out"});
    TestWorld::type(bob, "say\ttabbed");
    CHECK(take_lines(bob) == Lines{"bob: tabbed"});
}

TEST_CASE("Dispatch: ' and \" are shortcuts for say") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(bob, "'hello");
    CHECK(take_lines(bob) == Lines{"bob: hello"});
    CHECK(take_lines(amy) == Lines{"bob: hello"});
    TestWorld::type(bob, "\" hi there");
    CHECK(take_lines(bob) == Lines{"bob: hi there"});
    CHECK(take_lines(amy) == Lines{"bob: hi there"});
    TestWorld::type(bob, "'");
    CHECK(take_lines(bob).empty());
    CHECK(take_lines(amy).empty());
}

TEST_CASE("Dispatch: an unknown command in the chat room is named back") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(bob, "dance");
    CHECK(take_lines(bob) == Lines{"Unknown command: dance"});
    TestWorld::type(bob, "FROB the knob");
    CHECK(take_lines(bob) == Lines{"Unknown command: FROB"});
    TestWorld::type(bob, "login amy2");  // login exists only in the login room
    CHECK(take_lines(bob) == Lines{"Unknown command: login"});
    CHECK(take_lines(amy).empty());
}

TEST_CASE("Dispatch: anything unknown in the login room gets the classic reminder") {
    TestWorld t;
    auto& s = t.connect();
    take_lines(s);
    for (const char* line : {"hello", "say hi", "look", "who", "'hi", "LOGIN_ME now"}) {
        CAPTURE(line);
        TestWorld::type(s, line);
        CHECK(take_lines(s) == Lines{"Please log in", "Use \"login <nick>\""});
    }
    CHECK(s.name().empty());
}

TEST_CASE("Dispatch: help lists the room's commands from the registry") {
    TestWorld t;
    auto& guest = t.connect();
    take_lines(guest);
    auto& bob = t.login("bob");
    for (auto [session, room] : {std::pair{&guest, &t.world.login_room()}, std::pair{&bob, &t.world.main_room()}}) {
        CAPTURE(room->name());
        TestWorld::type(*session, "help");
        const auto lines = take_lines(*session);
        std::vector<const CommandSpec*> visible;  // neither is an operator
        for (const auto* spec : room->commands()) {
            if (!spec->operators_only) visible.push_back(spec);
        }
        REQUIRE(lines.size() == 1 + visible.size());
        for (std::size_t i = 0; i < visible.size(); ++i) {
            const auto* spec = visible[i];
            CAPTURE(spec->name);
            CHECK(lines[1 + i].find(spec->usage) != std::string::npos);
            CHECK(lines[1 + i].find(spec->help) != std::string::npos);
        }
    }
}

TEST_CASE("Dispatch: help <cmd> shows its usage, also by prefix or alias") {
    TestWorld t;
    auto& bob = t.login("bob");
    TestWorld::type(bob, "help say");
    const auto say = take_lines(bob);
    REQUIRE(say.size() == 2);
    CHECK(say[0] == "Usage: say <text>");
    TestWorld::type(bob, "help quit");
    const auto quit = take_lines(bob);
    REQUIRE_FALSE(quit.empty());
    CHECK(quit[0] == "Usage: logout");
    TestWorld::type(bob, "help xyzzy");
    const auto unknown = take_lines(bob);
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].find("xyzzy") != std::string::npos);
}

}  // namespace natter
