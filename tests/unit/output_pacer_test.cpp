// OutputPacer: input waits while a draining client's output (or everyone's)
// is over its mark and flows again under the low mark; a client that takes
// nothing for stall_timeout, or drains so slowly that it alone keeps input
// waiting that long, is dropped; a client that stopped reading never holds
// input back. Time is a fake clock; clients are samples the test sets.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <vector>

#include "src/output_pacer.hpp"
#include "src/world.hpp"
#include "tests/unit/test_world.hpp"

namespace natter {
namespace {

using namespace std::chrono_literals;
using Clock = OutputPacer::Clock;

constexpr std::size_t KiB = 1024;

// A pacer with the marks of a 1 MiB output limit and a 10 s stall timeout,
// and the clients' queues as the test sets them.
struct Bench {
    Bench() { pacer.set_limits(OutputPacer::limits_for(1024 * KiB, 10s)); }

    std::vector<OutputPacer::Doomed> evaluate() {
        return pacer.evaluate(now, [this](std::uint64_t id) {
            const auto it = queues.find(id);
            if (it == queues.end()) return OutputPacer::Sample{.gone = true};
            return it->second;
        });
    }
    // `in_loop_queue` and `unacknowledged` shrinking between looks is progress.
    void set(std::uint64_t id, std::size_t pending, std::size_t in_loop_queue, std::size_t unacknowledged = 0) {
        queues[id] = {.pending = pending, .in_loop_queue = in_loop_queue, .unacknowledged = unacknowledged};
    }

    OutputPacer pacer;
    Clock::time_point now{std::chrono::hours{1}};
    std::map<std::uint64_t, OutputPacer::Sample> queues;
};

}  // namespace

TEST_CASE("OutputPacer: the marks follow the output limit") {
    const auto limits = OutputPacer::limits_for(1024 * KiB, 7s);
    CHECK(limits.client_high == 512 * KiB);
    CHECK(limits.client_low == 256 * KiB);
    CHECK(limits.stall_timeout == 7s);
    CHECK(limits.total_low < limits.total_high);
}

TEST_CASE("OutputPacer: a draining client past its mark pauses input at once, and it flows again under the low mark") {
    Bench b;
    b.pacer.on_growth(1, b.now);
    CHECK(b.pacer.paused());
    b.set(1, 600 * KiB, 600 * KiB);
    b.pacer.on_backlog(1, true, b.now);
    CHECK(b.evaluate().empty());
    CHECK(b.pacer.paused());
    // It drains to between the marks: still held (hysteresis).
    b.now += 100ms;
    b.set(1, 300 * KiB, 300 * KiB);
    CHECK(b.evaluate().empty());
    CHECK(b.pacer.paused());
    b.now += 100ms;
    b.set(1, 200 * KiB, 200 * KiB);
    CHECK(b.evaluate().empty());
    CHECK_FALSE(b.pacer.paused());
    // Caught up: no longer watched.
    b.set(1, 0, 0);
    CHECK(b.evaluate().empty());
    CHECK(b.pacer.watched() == 0);
}

TEST_CASE("OutputPacer: a client that stopped reading never holds input back, and is dropped as stalled") {
    Bench b;
    b.pacer.on_backlog(1, true, b.now);
    b.set(1, 100 * KiB, 100 * KiB);
    b.now += 2s;  // nothing taken since
    b.pacer.on_growth(1, b.now);
    CHECK_FALSE(b.pacer.paused());
    b.set(1, 900 * KiB, 100 * KiB);
    CHECK(b.evaluate().empty());
    CHECK_FALSE(b.pacer.paused());
    b.now += 7s;
    CHECK(b.evaluate().empty());
    b.now += 1s;  // 10 s without progress
    const auto doomed = b.evaluate();
    REQUIRE(doomed.size() == 1);
    CHECK(doomed[0].id == 1);
    CHECK(doomed[0].why == OutputPacer::Drop::stalled);
    CHECK(b.pacer.watched() == 0);
}

TEST_CASE("OutputPacer: progress is the event loop's queue or the kernel's shrinking, or a write completing") {
    Bench b;
    b.pacer.on_backlog(1, false, b.now);
    for (int second = 1; second <= 30; ++second) {
        b.now += 1s;
        // Taken a little every second: never stalled.
        const auto left = 100 * KiB - static_cast<std::size_t>(second) * KiB;
        b.set(1, left, left);
        CHECK(b.evaluate().empty());
    }
    Bench k;
    k.pacer.on_backlog(3, false, k.now);
    for (int second = 1; second <= 30; ++second) {
        k.now += 1s;
        // The loop's queue stays put while the kernel's shrinks: the peer
        // reads, the kernel has yet to have room for more.
        k.set(3, 200 * KiB, 100 * KiB, 50 * KiB - static_cast<std::size_t>(second) * KiB);
        CHECK(k.evaluate().empty());
    }
    Bench c;
    c.pacer.on_backlog(2, false, c.now);
    c.set(2, 80 * KiB, 50 * KiB);
    c.now += 9s;
    c.pacer.on_progress(2, c.now);  // the write completed; the outbox waits for the next flush
    c.set(2, 30 * KiB, 0);
    c.now += 9s;
    CHECK(c.evaluate().empty());
    c.now += 1s;
    CHECK(c.evaluate().size() == 1);  // 10 s after the write completed, nothing more taken
}

TEST_CASE("OutputPacer: a client that drains but alone keeps input paused for stall_timeout is dropped as too slow") {
    Bench b;
    b.pacer.on_backlog(1, true, b.now);
    b.pacer.on_backlog(2, true, b.now);
    std::size_t queue = 600 * KiB;
    std::vector<OutputPacer::Doomed> doomed;
    int steps = 0;
    for (; steps < 200 && doomed.empty(); ++steps) {
        queue -= 1 * KiB;  // 1 KiB every 100 ms: draining, hopelessly slowly
        b.set(1, queue, queue);
        b.set(2, 10 * KiB, 10 * KiB - static_cast<std::size_t>(steps % 10));
        doomed = b.evaluate();
        if (doomed.empty()) CHECK(b.pacer.paused());
        b.now += 100ms;
    }
    REQUIRE(doomed.size() == 1);
    CHECK(doomed[0].id == 1);
    CHECK(doomed[0].why == OutputPacer::Drop::too_slow);
    CHECK(steps >= 100);  // 10 s, not sooner
    CHECK(steps <= 102);
    CHECK_FALSE(b.pacer.paused());  // the other client holds nothing back
}

TEST_CASE("OutputPacer: a pause in a slow client's progress does not start its episode afresh") {
    Bench b;
    b.pacer.on_backlog(1, true, b.now);
    std::size_t queue = 600 * KiB;
    int evaluations = 0;
    std::vector<OutputPacer::Doomed> doomed;
    for (int second = 0; second < 30 && doomed.empty(); ++second) {
        // Half a second of slow progress, then 1.5 s with none (not draining).
        for (int tick = 0; tick < 20 && doomed.empty(); ++tick) {
            if (tick < 5) queue -= KiB;
            b.set(1, queue, queue);
            doomed = b.evaluate();
            ++evaluations;
            b.now += 100ms;
        }
    }
    REQUIRE(doomed.size() == 1);
    CHECK(doomed[0].why == OutputPacer::Drop::too_slow);
    // It held input 1.4 s of every 2 (from its first progress to a draining
    // window after its last), so 10 s of holding took about 14 s.
    CHECK(evaluations >= 140);
    CHECK(evaluations <= 150);
}

TEST_CASE("OutputPacer: an episode ends under the low mark, so a client that catches up starts afresh") {
    Bench b;
    b.pacer.on_backlog(1, true, b.now);
    for (int round = 0; round < 5; ++round) {
        b.set(1, 600 * KiB, 600 * KiB - static_cast<std::size_t>(round));
        CHECK(b.evaluate().empty());
        b.now += 6s;
        b.set(1, 100 * KiB, 100 * KiB - static_cast<std::size_t>(round));  // caught up to under the low mark
        CHECK(b.evaluate().empty());
        CHECK_FALSE(b.pacer.paused());
        b.now += 100ms;
    }
}

TEST_CASE("OutputPacer: many clients each under their mark pause input together past the total mark; none is dropped") {
    Bench b;
    const auto limits = b.pacer.limits();
    const std::size_t each = 400 * KiB;
    const std::size_t clients = limits.total_high / each + 1;
    for (std::size_t id = 1; id <= clients; ++id) {
        b.pacer.on_backlog(id, true, b.now);
        b.set(id, each, each);
    }
    CHECK(b.evaluate().empty());
    CHECK(b.pacer.paused());
    // Still over the low mark in all: still paused, and never for too long.
    for (int step = 0; step < 150; ++step) {
        b.now += 100ms;
        for (std::size_t id = 1; id <= clients; ++id) b.set(id, each, each - static_cast<std::size_t>(step) - 1);
        CHECK(b.evaluate().empty());
    }
    CHECK(b.pacer.paused());
    for (std::size_t id = 1; id <= clients; ++id) b.set(id, 1 * KiB, 1 * KiB);
    CHECK(b.evaluate().empty());
    CHECK_FALSE(b.pacer.paused());
}

TEST_CASE("OutputPacer: clients that are gone are forgotten") {
    Bench b;
    b.pacer.on_growth(7, b.now);
    REQUIRE(b.pacer.watched() == 1);
    CHECK(b.evaluate().empty());  // no sample: gone
    CHECK(b.pacer.watched() == 0);
    CHECK_FALSE(b.pacer.paused());
    b.pacer.on_backlog(8, true, b.now);
    b.pacer.forget(8);
    CHECK(b.pacer.watched() == 0);
}

TEST_CASE("OutputPacer: the World reports a session whose output grows past the mark") {
    auto config = test::test_config();
    config.limits.output_buffer_bytes = 64 * 1024;
    test::TestWorld t{config};
    auto& bob = t.login("bob");
    REQUIRE_FALSE(t.world.pacer().paused());
    const std::string line(1000, 'x');
    // Nothing flushes here, so the outbox only grows: past half the limit
    // input pauses, before the limit itself is reached.
    int sent = 0;
    while (!t.world.pacer().paused() && sent < 64) {
        bob.send(line);
        ++sent;
    }
    CHECK(t.world.pacer().paused());
    CHECK(bob.pending_output() > 32 * 1024);
    CHECK_FALSE(bob.abandoned());
}

}  // namespace natter
