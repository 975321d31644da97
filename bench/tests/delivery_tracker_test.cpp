// bench/tests/delivery_tracker_test.cpp — the delivery table's counts, in
// the square shape (every client sends) and the rectangular one (a few
// speakers heard by a crowd).
#include "bench/delivery_tracker.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

namespace natter::bench {

using Outcome = DeliveryTracker::Outcome;

TEST_CASE("DeliveryTracker: in order, duplicate, out of order, invalid") {
    DeliveryTracker tracker{3, 4};
    CHECK(tracker.record(0, 1, 0) == Outcome::in_order);
    CHECK(tracker.record(0, 1, 2) == Outcome::in_order);
    CHECK(tracker.record(0, 1, 1) == Outcome::out_of_order);
    CHECK(tracker.record(0, 1, 2) == Outcome::duplicate);
    CHECK(tracker.record(0, 3, 0) == Outcome::invalid);
    CHECK(tracker.record(0, 1, 4) == Outcome::invalid);
    CHECK(tracker.unique() == 3);
    CHECK(tracker.duplicates() == 1);
    CHECK(tracker.out_of_order() == 1);
    CHECK(tracker.invalid() == 2);
}

TEST_CASE("DeliveryTracker: many receivers of few senders keep each pair apart") {
    DeliveryTracker tracker{DeliveryTracker::Shape{.receivers = 1000, .senders = 2, .lines = 10}};
    for (std::uint32_t receiver = 0; receiver < 1000; ++receiver) {
        for (std::uint32_t seq = 0; seq < 10; ++seq) {
            REQUIRE(tracker.record(receiver, 0, seq) == Outcome::in_order);
            REQUIRE(tracker.record(receiver, 1, seq) == Outcome::in_order);
        }
    }
    CHECK(tracker.unique() == 20'000);
    CHECK(tracker.duplicates() == 0);
    CHECK(tracker.out_of_order() == 0);
    // A receiver past the first senders' range is still valid; a sender is not.
    CHECK(tracker.record(999, 1, 9) == Outcome::duplicate);
    CHECK(tracker.record(999, 2, 0) == Outcome::invalid);
    CHECK(tracker.record(1000, 0, 0) == Outcome::invalid);
}

TEST_CASE("DeliveryTracker: a table over its byte limit is refused") {
    CHECK_THROWS_AS(DeliveryTracker(20'000, 1000, std::uint64_t{1} << 20), std::length_error);
    CHECK_NOTHROW(DeliveryTracker(DeliveryTracker::Shape{.receivers = 20'000, .senders = 4, .lines = 3001}));
}

}  // namespace natter::bench
