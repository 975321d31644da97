// World: users unique case-insensitively, the pending-output list, deferred
// disconnects, and shutdown.
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

TEST_CASE("World: the main room is the first permanent room") {
    auto config = test::test_config();
    config.rooms.permanent = {"hall", "garden"};
    TestWorld t{config};
    CHECK(t.world.main_room().name() == "hall");
    CHECK(t.world.find_room("GARDEN") != nullptr);
    CHECK(t.world.find_room("cellar") == nullptr);
    auto& bob = t.login("bob");
    CHECK(bob.room() == &t.world.main_room());
}

TEST_CASE("World: find_user is case-insensitive and only finds logged-in sessions") {
    TestWorld t;
    auto& bob = t.login("Bob");
    t.connect();
    CHECK(t.world.find_user("bob") == &bob);
    CHECK(t.world.find_user("BOB") == &bob);
    CHECK(t.world.find_user("rob") == nullptr);
    CHECK(t.world.users().size() == 1);
    CHECK(t.world.sessions().size() == 2);
}

TEST_CASE("World: flush_pending visits each session with output once") {
    TestWorld t;
    auto& a = t.connect();
    auto& b = t.connect();
    auto& c = t.connect();
    std::vector<Session*> flushed;
    t.world.flush_pending([&](Session& s) {
        flushed.push_back(&s);
        s.outbox().clear();
    });
    CHECK(flushed == std::vector<Session*>{&a, &b, &c});
    CHECK_FALSE(t.world.has_pending());
    a.send("one");
    a.send("two");
    flushed.clear();
    t.world.flush_pending([&](Session& s) { flushed.push_back(&s); });
    CHECK(flushed == std::vector<Session*>{&a});
    CHECK(a.outbox() == "one\r\ntwo\r\n");
}

TEST_CASE("World: a session marked during a flush waits for the next one") {
    TestWorld t;
    auto& a = t.connect();
    int calls = 0;
    t.world.flush_pending([&](Session& s) {
        ++calls;
        s.send("again");
    });
    CHECK(calls == 1);
    CHECK(t.world.has_pending());
    t.world.flush_pending([&](Session&) { ++calls; });
    CHECK(calls == 2);
    CHECK(a.outbox().find("again") != std::string::npos);
}

TEST_CASE("World: a session that ends while pending is not flushed") {
    TestWorld t;
    auto& a = t.connect();
    auto& b = t.connect();
    t.drop(a);
    std::vector<Session*> flushed;
    t.world.flush_pending([&](Session& s) { flushed.push_back(&s); });
    CHECK(flushed == std::vector<Session*>{&b});
}

TEST_CASE("World: a doomed session that ends before settle is forgotten") {
    auto config = test::test_config();
    config.limits.output_buffer_bytes = 4096;
    TestWorld t{config};
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    bob.send(std::string(5000, 'x'));
    REQUIRE(bob.abandoned());
    t.drop(bob);
    t.world.settle();  // must not touch the dropped session
    CHECK(take_lines(amy) == Lines{"bob has left the room."});
}

TEST_CASE("World: shutdown sends the notice to everyone and closes them without left notices") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    auto& guest = t.connect();
    take_lines(guest);
    t.world.shutdown("Server shutting down.");
    CHECK(t.world.shutting_down());
    for (auto* s : {&amy, &bob, &guest}) {
        CHECK(take_lines(*s) == Lines{"Server shutting down."});
        CHECK(s->closing());
        CHECK(s->room() == &t.world.logout_room());
    }
    CHECK(t.world.users().empty());
}

TEST_CASE("World: shutdown skips sessions already closing") {
    TestWorld t;
    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(bob, "quit");
    take_lines(amy);
    t.world.shutdown("bye");
    CHECK(take_lines(bob).empty());
    CHECK(take_lines(amy) == Lines{"bye"});
}

TEST_CASE("World: reconfigure adds new permanent rooms and keeps the old ones") {
    TestWorld t;
    auto& bob = t.login("bob");
    auto config = test::test_config();
    config.rooms.permanent = {"lobby", "attic"};
    config.server.name = "Renamed";
    t.world.reconfigure(config);
    CHECK(t.world.find_room("attic") != nullptr);
    CHECK(bob.room() == &t.world.main_room());
    auto& s = t.connect();
    CHECK(take_lines(s) == Lines{"Welcome to Renamed"});
}

TEST_CASE("World: an outbox growing past each multiple of early_flush_bytes is handed to the one-session hook") {
    auto config = test::test_config();
    config.limits.output_buffer_bytes = 16 * World::early_flush_bytes;
    TestWorld t{config};
    auto& a = t.connect();
    auto& b = t.connect();
    t.clear_all();
    std::vector<Session*> early;
    int all_calls = 0;
    t.world.set_early_flush([&](Session& s) { early.push_back(&s); }, [&] { ++all_calls; });
    const std::string line(1022, 'x');  // 1 KiB with CR LF
    for (std::size_t i = 0; i + 1 < World::early_flush_bytes / 1024; ++i) a.send(line);
    b.send(line);
    CHECK(early.empty());
    a.send(line);  // a's outbox reaches 64 KiB
    CHECK(early == std::vector<Session*>{&a});
    // The kernel took nothing: not asked again for each line, only once
    // another early_flush_bytes have piled up.
    for (std::size_t i = 0; i + 1 < World::early_flush_bytes / 1024; ++i) a.send(line);
    CHECK(early.size() == 1);
    a.send(line);
    CHECK(early == std::vector<Session*>{&a, &a});
    CHECK(all_calls == 0);
    t.world.set_early_flush(nullptr, nullptr);
}

TEST_CASE("World: early_flush_total_bytes queued across sessions in one iteration calls the all-sessions hook") {
    auto config = test::test_config();
    TestWorld t{config};
    constexpr int members = 400;
    std::vector<Session*> sessions;
    for (int i = 0; i < members; ++i) sessions.push_back(&t.connect());
    t.clear_all();
    t.world.flush_pending([](Session&) {});
    int all_calls = 0;
    std::size_t pending_seen = 0;
    t.world.set_early_flush([](Session&) {}, [&] {
        ++all_calls;
        pending_seen = 0;
        t.world.for_each_pending([&](Session& s) {
            ++pending_seen;
            s.outbox().clear();  // as if the kernel took it all
        });
    });
    // Each line goes to every session, well under each one's early flush
    // size: only the total can trigger the hook.
    const std::string line(1022, 'y');
    const std::size_t per_round = members * 1024;
    const std::size_t rounds_to_trigger = (World::early_flush_total_bytes + per_round - 1) / per_round;
    REQUIRE(rounds_to_trigger * 1024 < World::early_flush_bytes);
    for (std::size_t round = 0; round + 1 < rounds_to_trigger; ++round) {
        for (auto* s : sessions) s->send(line);
    }
    CHECK(all_calls == 0);
    for (auto* s : sessions) s->send(line);
    CHECK(all_calls == 1);
    CHECK(pending_seen == members);  // every session with output, none twice
    // The count starts again after the hook and after an ordinary flush.
    t.world.flush_pending([](Session& s) { s.outbox().clear(); });
    for (std::size_t round = 0; round + 1 < rounds_to_trigger; ++round) {
        for (auto* s : sessions) s->send(line);
    }
    t.world.flush_pending([](Session& s) { s.outbox().clear(); });
    for (auto* s : sessions) s->send(line);
    CHECK(all_calls == 1);
    t.world.set_early_flush(nullptr, nullptr);
}

}  // namespace natter
