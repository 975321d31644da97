// Topics: `topic [text|clear]` shows or sets the room's topic, which
// newcomers, `look` and `rooms` show. Anyone in a created room sets its
// topic; a permanent room's is set by operators (or, with topic_by =
// "members", anyone in it) and outlives a restart.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rooms/chat_room.hpp"
#include "tests/unit/account_fixture.hpp"

namespace natter {
namespace {

using Lines = std::vector<std::string>;
using test::has_line;
using test::take_lines;
using test::TestWorld;

constexpr const char* password = "operator password";

Config with_operator() {
    auto config = test::test_config();
    config.operators.names = {"root"};
    return config;
}

}  // namespace

TEST_CASE("Topic: anyone in a created room sets it, the room sees it, newcomers and look and rooms show it") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "join kitchen");
    TestWorld::type(amy, "topic");
    t.clear_all();
    TestWorld::type(amy, "topic");
    CHECK(take_lines(amy) == Lines{"kitchen has no topic; set one with \"topic <text>\"."});
    TestWorld::type(amy, "topic tea and biscuits");
    CHECK(take_lines(amy) == Lines{"amy sets the topic: tea and biscuits"});
    CHECK(take_lines(bob).empty());  // in the lobby
    TestWorld::type(bob, "join kitchen");
    CHECK(take_lines(bob) == Lines{"You are now in kitchen.", "The topic of kitchen is: tea and biscuits"});
    TestWorld::type(bob, "look");
    CHECK(take_lines(bob) == Lines{"The topic of kitchen is: tea and biscuits", "The following are in this room:",
                                   "amy", "bob"});
    TestWorld::type(bob, "rooms");
    CHECK(take_lines(bob) == Lines{"The following rooms are open:", "lobby: 0 people",
                                   "kitchen: 2 people (you are here), topic: tea and biscuits"});
    TestWorld::type(bob, "topic");
    const auto shown = take_lines(bob);
    REQUIRE(shown.size() == 2);
    CHECK(shown[0] == "The topic of kitchen is: tea and biscuits");
    CHECK(shown[1].starts_with("  (set by amy, "));
    t.clear_all();
    TestWorld::type(bob, "topic clear");
    CHECK(take_lines(amy) == Lines{"bob clears the topic."});
    CHECK(as_chat_room(*t.world.find_room("kitchen")).topic().text.empty());
}

TEST_CASE("Topic: a permanent room's is set by operators only, or by its members with topic_by members") {
    {
        TestWorld t;
        auto& amy = t.login("amy");
        TestWorld::type(amy, "topic mine now");
        CHECK(take_lines(amy) == Lines{"Only operators may set the topic of lobby."});
        CHECK(as_chat_room(t.world.main_room()).topic().text.empty());
    }
    auto config = test::test_config();
    config.rooms.topic_by = Config::Rooms::TopicBy::members;
    TestWorld t{config};
    auto& amy = t.login("amy");
    TestWorld::type(amy, "topic ours");
    CHECK(take_lines(amy) == Lines{"amy sets the topic: ours"});
}

TEST_CASE("Topic: cut to 100 characters, cleaned of escapes") {
    TestWorld t;
    auto& amy = t.login("amy");
    TestWorld::type(amy, "join den");
    t.clear_all();
    TestWorld::type(amy, "topic \x1b[5m" + std::string(120, 't'));
    CHECK(take_lines(amy) == Lines{"amy sets the topic: [5m" + std::string(97, 't'),
                                   "(The topic was cut to 100 characters.)"});
}

TEST_CASE("Topic: a permanent room's topic, set by an operator, is there after a restart") {
    test::ScratchDir dir;
    const auto path = dir.file("natter.db");
    {
        test::AccountFixture f{with_operator(), path};
        f.add_account("root", password);
        auto& root = f.login_with_password("root", password);
        TestWorld::type(root, "topic Welcome, be kind");
        CHECK(take_lines(root) == Lines{"root sets the topic: Welcome, be kind"});
        REQUIRE(f.background.jobs() == 1);
        f.background.run_jobs();
    }
    test::AccountFixture f{with_operator(), path};
    CHECK(as_chat_room(f.t.world.main_room()).topic().text == "Welcome, be kind");
    CHECK(as_chat_room(f.t.world.main_room()).topic().by == "root");
    auto& amy = f.t.connect();
    take_lines(amy);
    TestWorld::type(amy, "login amy");
    CHECK(take_lines(amy) == Lines{"The topic of lobby is: Welcome, be kind"});
    // Cleared, it stays cleared.
    auto& root = f.login_with_password("root", password);
    TestWorld::type(root, "topic clear");
    f.background.run_jobs();
    test::AccountFixture after{with_operator(), path};
    CHECK(as_chat_room(after.t.world.main_room()).topic().text.empty());
}

TEST_CASE("Topic: a room made permanent by a reload gets its stored topic") {
    test::ScratchDir dir;
    const auto path = dir.file("natter.db");
    auto config = with_operator();
    config.rooms.permanent = {"lobby", "garden"};
    {
        test::AccountFixture f{config, path};
        f.add_account("root", password);
        auto& root = f.login_with_password("root", password);
        TestWorld::type(root, "join garden");
        TestWorld::type(root, "topic roses");
        f.background.run_jobs();
    }
    test::AccountFixture f{with_operator(), path};  // garden is not permanent now
    CHECK(f.t.world.find_room("garden") == nullptr);
    f.t.world.reconfigure(config);
    REQUIRE(f.t.world.find_room("garden") != nullptr);
    CHECK(as_chat_room(*f.t.world.find_room("garden")).topic().text == "roses");
}

}  // namespace natter
