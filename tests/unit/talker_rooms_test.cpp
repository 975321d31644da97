// Talker rooms (SPEC §3): `rooms`, `join`/`go` with their notices, rooms
// created on join and removed once empty, `look`/`say` per room and `who`
// across rooms, read from the outboxes.
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

Config rooms_config(std::vector<std::string> permanent, bool create_on_join = true) {
    auto config = test::test_config();
    config.rooms.permanent = std::move(permanent);
    config.rooms.create_on_join = create_on_join;
    return config;
}

std::vector<std::string> room_names(const World& world) {
    std::vector<std::string> names;
    for (const auto& room : world.chat_rooms()) names.push_back(room->name());
    return names;
}

}  // namespace

TEST_CASE("Rooms: permanent rooms come from the config and login lands in the first") {
    TestWorld t{rooms_config({"lobby", "cellar", "garden"})};
    auto& amy = t.login("amy");
    CHECK(amy.room() == t.world.find_room("lobby"));
    CHECK(room_names(t.world) == Lines{"lobby", "cellar", "garden"});
    TestWorld::type(amy, "rooms");
    CHECK(take_lines(amy) == Lines{"The following rooms are open:", "lobby: 1 person (you are here)",
                                   "cellar: 0 people", "garden: 0 people"});
}

TEST_CASE("Rooms: the list counts members, permanent rooms first, then created ones") {
    TestWorld t{rooms_config({"lobby", "cellar"})};
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    t.login("cat");
    TestWorld::type(bob, "join attic");
    TestWorld::type(amy, "join cellar");
    t.clear_all();
    TestWorld::type(amy, "rooms");
    CHECK(take_lines(amy) == Lines{"The following rooms are open:", "lobby: 1 person",
                                   "cellar: 1 person (you are here)", "attic: 1 person"});
}

TEST_CASE("Join: the old room hears the left notice, the new room the entered notice") {
    TestWorld t{rooms_config({"lobby", "cellar"})};
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    auto& cat = t.login("cat");
    TestWorld::type(cat, "join cellar");
    t.clear_all();
    TestWorld::type(bob, "join cellar");
    CHECK(take_lines(amy) == Lines{"bob has left the room."});
    CHECK(take_lines(cat) == Lines{"bob has entered the room."});
    CHECK(take_lines(bob) == Lines{"You are now in cellar."});
    CHECK(bob.room() == t.world.find_room("cellar"));
}

TEST_CASE("Join: go is an alias, and the room name is matched case-insensitively") {
    TestWorld t{rooms_config({"lobby", "Cellar"})};
    auto& amy = t.login("amy");
    TestWorld::type(amy, "go CELLAR");
    CHECK(take_lines(amy) == Lines{"You are now in Cellar."});
    CHECK(amy.room() == t.world.find_room("cellar"));
}

TEST_CASE("Join: look and say stay in their room; who spans rooms and shows each room") {
    TestWorld t{rooms_config({"lobby", "cellar"})};
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    auto& cat = t.login("cat");
    TestWorld::type(bob, "join cellar");
    t.clear_all();

    TestWorld::type(amy, "say upstairs only");
    CHECK(take_lines(amy) == Lines{"amy: upstairs only"});
    CHECK(take_lines(cat) == Lines{"amy: upstairs only"});
    CHECK(take_lines(bob).empty());
    TestWorld::type(bob, "say downstairs only");
    CHECK(take_lines(bob) == Lines{"bob: downstairs only"});
    CHECK(take_lines(amy).empty());

    TestWorld::type(bob, "look");
    CHECK(take_lines(bob) == Lines{"The following are in this room:", "bob"});
    TestWorld::type(amy, "look");
    CHECK(take_lines(amy) == Lines{"The following are in this room:", "amy", "cat"});
    TestWorld::type(amy, "who");
    CHECK(take_lines(amy) == Lines{"The following are logged in:", "amy (lobby)", "bob (cellar)", "cat (lobby)"});
}

TEST_CASE("Join: the room you are in gets a short message and no notices") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "join LOBBY");
    CHECK(take_lines(amy) == Lines{"You are already in lobby."});
    CHECK(take_lines(bob).empty());
}

TEST_CASE("Join: a missing room is created, and removed at the next settle once empty") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "join attic");
    CHECK(take_lines(amy) == Lines{"You create the room attic.", "You are now in attic."});
    CHECK(take_lines(bob) == Lines{"amy has left the room."});
    REQUIRE(t.world.find_room("attic") != nullptr);
    TestWorld::type(bob, "join Attic");
    CHECK(take_lines(amy) == Lines{"bob has entered the room."});
    CHECK(take_lines(bob) == Lines{"You are now in attic."});

    TestWorld::type(amy, "join lobby");
    t.world.settle();
    CHECK(t.world.find_room("attic") != nullptr);  // bob is still there
    TestWorld::type(bob, "join lobby");
    // Emptied, but not destroyed during the move: listed as gone, removed at settle.
    TestWorld::type(bob, "rooms");
    CHECK(take_lines(bob) == Lines{"amy has left the room.", "You are now in lobby.",
                                   "The following rooms are open:", "lobby: 2 people (you are here)"});
    REQUIRE(t.world.find_room("attic") != nullptr);
    t.world.settle();
    CHECK(t.world.find_room("attic") == nullptr);
    CHECK(room_names(t.world) == Lines{"lobby"});
}

TEST_CASE("Join: a created room also goes when its last member logs out or drops") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "join attic");
    TestWorld::type(bob, "join porch");
    TestWorld::type(amy, "quit");
    t.drop(bob);
    t.world.settle();
    CHECK(room_names(t.world) == Lines{"lobby"});
}

TEST_CASE("Join: permanent rooms stay when empty") {
    TestWorld t{rooms_config({"lobby", "cellar"})};
    auto& amy = t.login("amy");
    TestWorld::type(amy, "join cellar");
    TestWorld::type(amy, "join lobby");
    t.world.settle();
    CHECK(room_names(t.world) == Lines{"lobby", "cellar"});
    TestWorld::type(amy, "join cellar");
    t.world.settle();
    CHECK(room_names(t.world) == Lines{"lobby", "cellar"});
}

TEST_CASE("Join: with create_on_join off, a missing room is an error that names rooms") {
    TestWorld t{rooms_config({"lobby"}, false)};
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "join attic");
    CHECK(take_lines(amy) == Lines{"There is no room called \"attic\"; type \"rooms\" for the list."});
    CHECK(take_lines(bob).empty());
    CHECK(amy.room() == &t.world.main_room());
    CHECK(t.world.find_room("attic") == nullptr);
}

TEST_CASE("Join: room names follow the rules for user names") {
    TestWorld t;
    auto& amy = t.login("amy");
    for (const auto* bad : {"9lives", "two words", "dots.here", "abcdefghijklmnopqrstu"}) {
        CAPTURE(bad);
        TestWorld::type(amy, std::string{"join "} + bad);
        const auto lines = take_lines(amy);
        REQUIRE(lines.size() == 1);
        CHECK(lines.front().starts_with("Invalid room name \""));
        CHECK(amy.room() == &t.world.main_room());
    }
    CHECK(t.world.chat_rooms().size() == 1);
    TestWorld::type(amy, "join");
    CHECK(take_lines(amy) == Lines{"Usage: join <room>. You are in lobby; type \"rooms\" for the list."});
}

TEST_CASE("Join: a big room sends no entered or left notices") {
    auto config = rooms_config({"lobby", "cellar"});
    config.rooms.announce_max_members = 2;
    TestWorld t{std::move(config)};
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    auto& cat = t.login("cat");  // lobby now has 3 > 2
    TestWorld::type(cat, "join cellar");
    // Before cat left the lobby had 3: no left notice.
    CHECK(take_lines(amy).empty());
    CHECK(take_lines(cat) == Lines{"You are now in cellar."});
    TestWorld::type(bob, "join cellar");
    // The cellar with bob has 2: notices again; the lobby had 2 with bob.
    CHECK(take_lines(cat) == Lines{"bob has entered the room."});
    CHECK(take_lines(amy) == Lines{"bob has left the room."});
}

TEST_CASE("Join: with announce_addresses, the entered notice carries the address") {
    auto config = rooms_config({"lobby", "cellar"});
    config.server.announce_addresses = true;
    TestWorld t{std::move(config)};
    auto& amy = t.login("amy");
    auto& bob = t.connect("192.0.2.7");
    TestWorld::type(bob, "login bob");
    CHECK(take_lines(amy) == Lines{"bob has entered the room. (from 192.0.2.7)"});
    TestWorld::type(amy, "join cellar");
    TestWorld::type(bob, "join cellar");
    CHECK(take_lines(amy) == Lines{"You are now in cellar.", "bob has entered the room. (from 192.0.2.7)"});
}

TEST_CASE("Join: without announce_addresses, the entered notice is the classic one") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.connect("192.0.2.7");
    TestWorld::type(bob, "login bob");
    CHECK(take_lines(amy) == Lines{"bob has entered the room."});
}

TEST_CASE("World: a reload that adds a permanent room keeps permanent rooms listed first") {
    TestWorld t;
    auto& amy = t.login("amy");
    TestWorld::type(amy, "join attic");
    TestWorld::type(amy, "join porch");  // attic empties
    t.world.settle();
    TestWorld::type(amy, "join attic");  // porch empties, attic is created again
    auto config = rooms_config({"lobby", "cellar", "porch"});
    t.world.reconfigure(std::move(config));
    CHECK(room_names(t.world) == Lines{"lobby", "cellar", "porch", "attic"});
    t.world.settle();
    CHECK(room_names(t.world) == Lines{"lobby", "cellar", "porch", "attic"});  // porch is permanent now
    TestWorld::type(amy, "join lobby");
    t.world.settle();
    CHECK(room_names(t.world) == Lines{"lobby", "cellar", "porch"});
}

}  // namespace natter
