// bench/latency_histogram.hpp — a log-linear histogram of nanosecond
// latencies (HdrHistogram's idea, 7 significant bits: < 0.8 % error), so
// millions of samples cost a few kilobytes and a percentile is one walk.
// It knows nothing about where the samples come from.
#pragma once

#include <array>
#include <cstdint>

namespace natter::bench {

class LatencyHistogram {
public:
    // Negative samples (clock misuse) are clamped to zero rather than lost.
    void record(std::int64_t ns) noexcept;

    // The smallest recorded value v such that at least q (0..1) of the
    // samples are <= v, reported as the bucket's midpoint; 0 when empty.
    [[nodiscard]] std::int64_t percentile(double q) const noexcept;
    [[nodiscard]] std::int64_t max() const noexcept { return max_; }
    [[nodiscard]] std::uint64_t count() const noexcept { return count_; }

private:
    static constexpr int sub_bits = 7;
    static constexpr int sub_count = 1 << sub_bits;
    // Values up to 2^63 need shift <= 56: (56 + 2) * 128 buckets cover them.
    static constexpr int bucket_count = (64 - sub_bits + 2) * sub_count;

    static int bucket_of(std::uint64_t v) noexcept;
    static std::int64_t midpoint_of(int bucket) noexcept;

    std::array<std::uint64_t, bucket_count> counts_{};
    std::uint64_t count_ = 0;
    std::int64_t max_ = 0;
};

}  // namespace natter::bench
