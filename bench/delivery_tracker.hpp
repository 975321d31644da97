// bench/delivery_tracker.hpp — exact bookkeeping of which bench lines each
// client received from each sender, so lost, duplicated and out-of-order
// deliveries are counted precisely (one bit per receiver × sender × line).
// It knows nothing about sockets or time.
#pragma once

#include <cstdint>
#include <vector>

namespace natter::bench {

class DeliveryTracker {
public:
    enum class Outcome : std::uint8_t { in_order, out_of_order, duplicate, invalid };

    // `clients` receivers and senders, at most `lines` lines per sender.
    // Throws std::length_error when the bit table would exceed `max_bytes`.
    DeliveryTracker(std::uint32_t clients, std::uint32_t lines,
                    std::uint64_t max_bytes = std::uint64_t{4} << 30)
        : DeliveryTracker{Shape{.receivers = clients, .senders = clients, .lines = lines}, max_bytes} {}

    // Receivers 0..receivers-1 of senders 0..senders-1: a few speakers in a
    // crowd need a table of crowd x speakers, not of crowd x crowd.
    struct Shape {
        std::uint32_t receivers = 0;
        std::uint32_t senders = 0;
        std::uint32_t lines = 0;
    };
    explicit DeliveryTracker(Shape shape, std::uint64_t max_bytes = std::uint64_t{4} << 30);

    // `receiver` saw line `seq` of `sender`. A line is out of order when a
    // later line of the same sender reached this receiver first.
    Outcome record(std::uint32_t receiver, std::uint32_t sender, std::uint32_t seq);

    [[nodiscard]] std::uint64_t unique() const noexcept { return unique_; }
    [[nodiscard]] std::uint64_t duplicates() const noexcept { return duplicates_; }
    [[nodiscard]] std::uint64_t out_of_order() const noexcept { return out_of_order_; }
    [[nodiscard]] std::uint64_t invalid() const noexcept { return invalid_; }

private:
    std::uint32_t receivers_;
    std::uint32_t senders_;
    std::uint32_t lines_;
    std::vector<std::uint64_t> bits_;
    std::vector<std::int32_t> highest_;  // per (receiver, sender); -1 = none yet
    std::uint64_t unique_ = 0;
    std::uint64_t duplicates_ = 0;
    std::uint64_t out_of_order_ = 0;
    std::uint64_t invalid_ = 0;
};

}  // namespace natter::bench
