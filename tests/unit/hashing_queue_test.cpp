// HashingQueue: how many hashes run at once, how many wait, the refusal past
// that, and dropping the queued work of sessions that have gone. The work is
// run by hand through a QueueBackground.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "src/hashing_queue.hpp"
#include "tests/unit/queue_background.hpp"

namespace natter {
namespace {

struct Log {
    std::vector<std::string> worked;
    std::vector<std::string> done;
    std::vector<std::string> dropped;
};

HashingQueue::Job job(Log& log, std::string name, bool* wanted = nullptr) {
    HashingQueue::Job j{.work = [&log, name] { log.worked.push_back(name); },
                        .done = [&log, name] { log.done.push_back(name); },
                        .wanted = nullptr,
                        .dropped = [&log, name] { log.dropped.push_back(name); }};
    if (wanted != nullptr) j.wanted = [wanted] { return *wanted; };
    return j;
}

}  // namespace

TEST_CASE("HashingQueue: workers run at once, the queue holds the rest, and past it new work is refused") {
    test::QueueBackground background;
    HashingQueue queue;
    Log log;
    const HashingQueue::Limits limits{.workers = 2, .waiting = 3};
    for (int i = 0; i < 5; ++i) CHECK(queue.submit(background, limits, job(log, "j" + std::to_string(i))));
    CHECK(queue.running() == 2);
    CHECK(queue.waiting() == 3);
    CHECK(background.jobs() == 2);  // only the running ones reach the workers
    CHECK_FALSE(queue.submit(background, limits, job(log, "refused")));
    CHECK(queue.waiting() == 3);

    background.run_jobs();  // and what each completion starts
    // Every job ran exactly once, in order, and nothing is left.
    CHECK(log.worked == std::vector<std::string>{"j0", "j1", "j2", "j3", "j4"});
    CHECK(log.done == log.worked);
    CHECK(queue.running() == 0);
    CHECK(queue.waiting() == 0);
    CHECK(queue.submit(background, limits, job(log, "again")));
}

TEST_CASE("HashingQueue: a finished hash lets the next one in, and only one") {
    test::QueueBackground background;
    HashingQueue queue;
    Log log;
    const HashingQueue::Limits limits{.workers = 1, .waiting = 8};
    for (int i = 0; i < 3; ++i) REQUIRE(queue.submit(background, limits, job(log, "j" + std::to_string(i))));
    CHECK(background.jobs() == 1);
    CHECK(queue.waiting() == 2);
}

TEST_CASE("HashingQueue: with no room to wait, only the workers' worth is taken") {
    test::QueueBackground background;
    HashingQueue queue;
    Log log;
    const HashingQueue::Limits limits{.workers = 2, .waiting = 0};
    CHECK(queue.submit(background, limits, job(log, "a")));
    CHECK(queue.submit(background, limits, job(log, "b")));
    CHECK_FALSE(queue.submit(background, limits, job(log, "c")));
    background.run_jobs();
    CHECK(queue.submit(background, limits, job(log, "d")));
}

TEST_CASE("HashingQueue: queued work nobody wants any more is dropped without hashing") {
    test::QueueBackground background;
    HashingQueue queue;
    Log log;
    const HashingQueue::Limits limits{.workers = 1, .waiting = 4};
    bool first_wanted = true;
    bool gone = false;
    REQUIRE(queue.submit(background, limits, job(log, "running", &gone)));  // asked only if it waits
    REQUIRE(queue.submit(background, limits, job(log, "left", &gone)));
    REQUIRE(queue.submit(background, limits, job(log, "stays", &first_wanted)));
    background.run_jobs();
    CHECK(log.worked == std::vector<std::string>{"running", "stays"});
    CHECK(log.done == std::vector<std::string>{"running", "stays"});
    CHECK(log.dropped == std::vector<std::string>{"left"});
}

TEST_CASE("HashingQueue: a reload that adds workers starts waiting work at the next submit") {
    test::QueueBackground background;
    HashingQueue queue;
    Log log;
    for (int i = 0; i < 3; ++i) REQUIRE(queue.submit(background, {.workers = 1, .waiting = 8}, job(log, "j")));
    CHECK(queue.running() == 1);
    REQUIRE(queue.submit(background, {.workers = 4, .waiting = 8}, job(log, "k")));
    CHECK(queue.running() == 4);
    CHECK(queue.waiting() == 0);
}

TEST_CASE("hashing_workers: what fits in the memory, no more than the CPUs, at least one") {
    constexpr std::size_t mib = 1024 * 1024;
    CHECK(hashing_workers(64, 64 * mib) == 1);
    CHECK(hashing_workers(100, 64 * mib) == 1);
    CHECK(hashing_workers(1, 64 * mib) == 1);
    const auto many = hashing_workers(1 << 20, 64 * mib);  // memory for 16384: the CPUs decide
    CHECK(many >= 1);
    CHECK(many < 16384);
    CHECK(hashing_workers(128, 64 * mib) == std::min<std::size_t>(2, many));
    CHECK(hashing_workers(256, 64 * mib) == std::min<std::size_t>(4, many));
}

}  // namespace natter
