// Help (SPEC §3): the list comes from the registry, one line per command of
// the current room; `help <cmd>` shows usage and a sentence.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rooms/room.hpp"
#include "src/command_registry.hpp"
#include "tests/unit/test_world.hpp"

namespace natter {
namespace {

using Lines = std::vector<std::string>;
using test::take_lines;
using test::TestWorld;

// The help list must have one line per command the room has (operator
// commands left out: these viewers are no operators), in order, each
// starting with the usage.
void check_list(const Lines& lines, RoomKind kind) {
    std::vector<const CommandSpec*> specs;
    for (const auto* spec : command_registry().for_room(kind)) {
        if (!spec->operators_only) specs.push_back(spec);
    }
    REQUIRE(lines.size() == specs.size() + 1);
    CHECK(lines.front() == "Commands here:");
    for (std::size_t i = 0; i < specs.size(); ++i) {
        CAPTURE(lines[i + 1]);
        CHECK(lines[i + 1].starts_with("  " + std::string{specs[i]->usage} + " "));
        CHECK(lines[i + 1].ends_with(specs[i]->help));
    }
}

}  // namespace

TEST_CASE("Help: in a chat room, lists every chat command, the talker ones included") {
    TestWorld t;
    auto& amy = t.login("amy");
    TestWorld::type(amy, "help");
    const auto lines = take_lines(amy);
    check_list(lines, RoomKind::chat);
    for (const auto* verb : {"me", "tell", "reply", "rooms", "join", "history", "ignore", "unignore"}) {
        CAPTURE(verb);
        bool found = false;
        for (const auto& line : lines) found = found || line.starts_with("  " + std::string{verb} + " ");
        CHECK(found);
    }
}

TEST_CASE("Help: in the login room, lists only the login room's commands") {
    TestWorld t;
    auto& s = t.connect();
    take_lines(s);
    TestWorld::type(s, "help");
    const auto lines = take_lines(s);
    check_list(lines, RoomKind::login);
    for (const auto& line : lines) CHECK_FALSE(line.starts_with("  tell "));
}

TEST_CASE("Help: help <cmd> shows the usage and one sentence, by name, alias or shortcut") {
    TestWorld t;
    auto& amy = t.login("amy");
    TestWorld::type(amy, "help tell");
    CHECK(take_lines(amy) == Lines{"Usage: tell <name> <text>", "send a private message to one person, in any room"});
    TestWorld::type(amy, "help GO");
    const auto go = take_lines(amy);
    REQUIRE(go.size() == 2);
    CHECK(go.front() == "Usage: join <room>");
    TestWorld::type(amy, "help :");
    const auto colon = take_lines(amy);
    REQUIRE(colon.size() == 2);
    CHECK(colon.front() == "Usage: me <action>");
}

TEST_CASE("Help: an ambiguous prefix lists the candidates; an unknown topic says so") {
    TestWorld t;
    auto& amy = t.login("amy");
    TestWorld::type(amy, "help h");
    CHECK(take_lines(amy) == Lines{"\"h\" could be: help, history."});
    TestWorld::type(amy, "help frobnicate");
    CHECK(take_lines(amy) == Lines{"No help for \"frobnicate\". Type \"help\" for the list."});
}

}  // namespace natter
