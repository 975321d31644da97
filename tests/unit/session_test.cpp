// Session (SPEC §1): bytes in through telnet and the framer to the room,
// CR LF out, the line limit, and the output limit.
#include <doctest/doctest.h>

#include <chrono>
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

TEST_CASE("Session: every line sent ends with CR LF") {
    TestWorld t;
    auto& s = t.connect();
    CHECK(s.outbox() == "Welcome to TestChat\r\n");
    s.outbox().clear();
    s.send("x");
    CHECK(s.outbox() == "x\r\n");
}

TEST_CASE("Session: lines typed with any line end are dispatched") {
    TestWorld t;
    auto& bob = t.login("bob");
    bob.receive("say one\r\nsay two\nsay three\r");
    bob.receive(std::string{"\0say four\r\0", 11});
    CHECK(take_lines(bob) == Lines{"bob: one", "bob: two", "bob: three", "bob: four"});
}

TEST_CASE("Session: input split at every byte position gives the same output") {
    using namespace std::string_literals;
    // A login, an erased character, a negotiation, a subnegotiation inside a line.
    const std::string input = "login bob\r\nsay h\xC3\xA9\x08" "ello\rsay "s + "\xFF\xFB\x18"s +
                              "x\xFF\xFA\x18\x00"s + "ab\xFF\xF0y\nlook\r\n"s;
    std::string whole;
    {
        TestWorld t;
        auto& s = t.connect();
        s.receive(input);
        whole = s.outbox();
    }
    REQUIRE(whole.find("bob: hello") != std::string::npos);
    REQUIRE(whole.find("bob: xy") != std::string::npos);
    for (std::size_t cut = 0; cut <= input.size(); ++cut) {
        CAPTURE(cut);
        TestWorld t;
        auto& s = t.connect();
        s.receive(input.substr(0, cut));
        s.receive(input.substr(cut));
        CHECK(s.outbox() == whole);
    }
    TestWorld t;
    auto& s = t.connect();
    for (char c : input) s.receive(std::string(1, c));
    CHECK(s.outbox() == whole);
}

TEST_CASE("Session: BS and DEL typed in character mode erase before the line is dispatched") {
    TestWorld t;
    auto& bob = t.login("bob");
    for (char c : std::string{"sax\x7fy hi\xE2\x82\xAC\x08!\r\n"}) bob.receive(std::string(1, c));
    CHECK(take_lines(bob) == Lines{"bob: hi!"});
}

TEST_CASE("Session: an overlong line is discarded with one error line and the session stays usable") {
    auto config = test::test_config();
    config.limits.line_max_bytes = 64;
    TestWorld t{config};
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    bob.receive("say " + std::string(100, 'x'));
    bob.receive(std::string(100, 'y') + "\r\n");
    const auto error = take_lines(bob);
    REQUIRE(error.size() == 1);
    CHECK(error[0].find("64") != std::string::npos);
    CHECK(take_lines(amy).empty());
    CHECK_FALSE(bob.closing());
    TestWorld::type(bob, "say ok");
    CHECK(take_lines(bob) == Lines{"bob: ok"});
    CHECK(take_lines(amy) == Lines{"bob: ok"});
}

TEST_CASE("Session: a line of exactly line_max_bytes is accepted") {
    auto config = test::test_config();
    config.limits.line_max_bytes = 64;
    TestWorld t{config};
    auto& bob = t.login("bob");
    const std::string text(60, 'z');
    TestWorld::type(bob, "say " + text);  // 64 bytes
    CHECK(take_lines(bob) == Lines{"bob: " + text});
}

TEST_CASE("Session: the default line limit is 2048 bytes") {
    TestWorld t;
    auto& bob = t.login("bob");
    TestWorld::type(bob, "say " + std::string(2044, 'a'));
    CHECK(take_lines(bob) == Lines{"bob: " + std::string(2044, 'a')});
    TestWorld::type(bob, "say " + std::string(2045, 'a'));
    const auto lines = take_lines(bob);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("2048") != std::string::npos);
}

TEST_CASE("Session: output past output_buffer_bytes disconnects the session at settle, others unaffected") {
    auto config = test::test_config();
    config.limits.output_buffer_bytes = 4096;
    TestWorld t{config};
    auto& slow = t.login("slow");  // never reads: its outbox is never emptied
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    int said = 0;
    while (!slow.abandoned() && said < 1000) {
        TestWorld::type(bob, "say " + std::string(100, 'm'));
        ++said;
        CHECK(take_lines(bob).size() == 1);
        CHECK(take_lines(amy).size() == 1);
        CHECK(slow.outbox().size() <= 4096);
    }
    REQUIRE(slow.abandoned());
    CHECK(said < 100);
    CHECK_FALSE(slow.closing());  // not yet: the disconnect waits for a safe point
    CHECK(slow.outbox().empty());  // what it could not take is dropped
    t.world.settle();
    CHECK(slow.closing());
    CHECK(slow.room() == &t.world.logout_room());
    CHECK(slow.close_reason() == "output buffer full");
    CHECK(t.world.find_user("slow") == nullptr);
    CHECK(take_lines(amy) == Lines{"slow has left the room."});
    CHECK(take_lines(bob) == Lines{"slow has left the room."});
    CHECK_FALSE(amy.closing());
    CHECK_FALSE(bob.closing());
    TestWorld::type(bob, "say still fine");
    CHECK(take_lines(amy) == Lines{"bob: still fine"});
}

TEST_CASE("Session: bytes in flight count against the output limit") {
    auto config = test::test_config();
    config.limits.output_buffer_bytes = 4096;
    TestWorld t{config};
    auto& bob = t.login("bob");
    bob.set_bytes_in_flight(4090);
    bob.send("this does not fit");
    CHECK(bob.abandoned());
    t.world.settle();
    CHECK(bob.closing());
}

TEST_CASE("Session: the first disconnect reason is kept") {
    TestWorld t;
    auto& bob = t.login("bob");
    bob.disconnect("idle");
    bob.disconnect("something else");
    CHECK(bob.close_reason() == "idle");
    CHECK(bob.closing());
}

TEST_CASE("Session: a closing session processes no more input") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    bob.receive("quit\r\nsay after quit\r\n");
    CHECK(take_lines(amy) == Lines{"bob has left the room."});
    CHECK(take_lines(bob).empty());
}

TEST_CASE("Session: ignore and unignore work by name, case-insensitively") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    CHECK(amy.ignore("BOB"));
    CHECK_FALSE(amy.ignore("bob"));
    CHECK(amy.ignores(bob));
    TestWorld::type(bob, "say hi");
    CHECK(take_lines(amy).empty());
    CHECK(take_lines(bob) == Lines{"bob: hi"});
    CHECK(amy.unignore("Bob"));
    CHECK_FALSE(amy.unignore("bob"));
    TestWorld::type(bob, "say hi");
    CHECK(take_lines(amy) == Lines{"bob: hi"});
}

TEST_CASE("Session: lines past the flood burst are dropped with one warning, then the rate refills") {
    auto config = test::test_config();
    config.limits.flood_burst = 3;
    config.limits.flood_per_second = 1;
    TestWorld t{config};
    auto now = World::Clock::time_point{} + std::chrono::hours{1};
    t.world.set_clock([&] { return now; });
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    // "login bob" took the first of the 3 lines of the burst.
    TestWorld::type(bob, "say 1");
    TestWorld::type(bob, "say 2");
    CHECK(take_lines(amy) == Lines{"bob: 1", "bob: 2"});
    CHECK(take_lines(bob) == Lines{"bob: 1", "bob: 2"});
    TestWorld::type(bob, "say 3");
    TestWorld::type(bob, "say 4");
    CHECK(take_lines(amy).empty());
    const auto warning = take_lines(bob);
    REQUIRE(warning.size() == 1);
    CHECK(warning[0].find("too fast") != std::string::npos);
    now += std::chrono::seconds{5};
    TestWorld::type(bob, "say 5");
    CHECK(take_lines(amy) == Lines{"bob: 5"});
    CHECK_FALSE(bob.closing());
}

}  // namespace natter
