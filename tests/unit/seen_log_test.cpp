// SeenLog: when names last left in this run, any case, bounded.
#include <doctest/doctest.h>

#include "src/seen_log.hpp"

namespace natter {

using Seen = SeenLog::WallClock::time_point;

TEST_CASE("SeenLog: a name is found in any case, spelled as it was, with its latest time") {
    SeenLog log;
    const Seen t0{std::chrono::seconds{1000}};
    CHECK_FALSE(log.find("alice").has_value());
    log.record("Alice", t0);
    REQUIRE(log.find("ALICE").has_value());
    CHECK(log.find("alice")->name == "Alice");
    CHECK(log.find("alice")->when == t0);
    log.record("alice", t0 + std::chrono::seconds{5});
    CHECK(log.size() == 1);
    CHECK(log.find("Alice")->name == "alice");
    CHECK(log.find("Alice")->when == t0 + std::chrono::seconds{5});
}

TEST_CASE("SeenLog: past its capacity the name that left longest ago is forgotten") {
    SeenLog log{3};
    const Seen t0{std::chrono::seconds{1000}};
    log.record("a", t0);
    log.record("b", t0);
    log.record("c", t0);
    log.record("a", t0 + std::chrono::seconds{1});  // a left again: now the newest
    log.record("d", t0 + std::chrono::seconds{2});
    CHECK(log.size() == 3);
    CHECK_FALSE(log.find("b").has_value());
    CHECK(log.find("a").has_value());
    CHECK(log.find("c").has_value());
    CHECK(log.find("d").has_value());
    SeenLog none{0};
    none.record("a", t0);
    CHECK_FALSE(none.find("a").has_value());
}

}  // namespace natter
