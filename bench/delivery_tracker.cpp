// bench/delivery_tracker.cpp — the bit table of DeliveryTracker.
#include "bench/delivery_tracker.hpp"

#include <stdexcept>
#include <string>

namespace natter::bench {

DeliveryTracker::DeliveryTracker(Shape shape, std::uint64_t max_bytes)
    : receivers_{shape.receivers}, senders_{shape.senders}, lines_{shape.lines} {
    const std::uint32_t lines = shape.lines;
    const std::uint64_t pairs = std::uint64_t{receivers_} * senders_;
    const std::uint64_t bits = pairs * lines;
    const std::uint64_t bytes = bits / 8 + pairs * sizeof(std::int32_t);
    if (bytes > max_bytes || lines > 0x7fffffffU) {
        throw std::length_error{"delivery table for " + std::to_string(receivers_) + " receivers x " +
                                std::to_string(senders_) + " senders x " + std::to_string(lines) +
                                " lines needs " + std::to_string(bytes >> 20) + " MiB; use fewer clients or lines"};
    }
    bits_.assign((bits + 63) / 64, 0);
    highest_.assign(pairs, -1);
}

DeliveryTracker::Outcome DeliveryTracker::record(std::uint32_t receiver, std::uint32_t sender,
                                                 std::uint32_t seq) {
    if (receiver >= receivers_ || sender >= senders_ || seq >= lines_) {
        ++invalid_;
        return Outcome::invalid;
    }
    const std::uint64_t pair = std::uint64_t{receiver} * senders_ + sender;
    const std::uint64_t bit = pair * lines_ + seq;
    std::uint64_t& word = bits_[bit >> 6];
    const std::uint64_t mask = std::uint64_t{1} << (bit & 63);
    if ((word & mask) != 0) {
        ++duplicates_;
        return Outcome::duplicate;
    }
    word |= mask;
    ++unique_;
    std::int32_t& high = highest_[pair];
    if (static_cast<std::int32_t>(seq) < high) {
        ++out_of_order_;
        return Outcome::out_of_order;
    }
    high = static_cast<std::int32_t>(seq);
    return Outcome::in_order;
}

}  // namespace natter::bench
