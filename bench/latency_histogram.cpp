// bench/latency_histogram.cpp — bucket arithmetic of LatencyHistogram.
#include "bench/latency_histogram.hpp"

#include <bit>
#include <cmath>

namespace natter::bench {

int LatencyHistogram::bucket_of(std::uint64_t v) noexcept {
    if (v < sub_count) {
        return static_cast<int>(v);
    }
    // Keep the top sub_bits+1 bits: buckets of one power of two are
    // sub_count wide, so the relative error stays below 1/sub_count.
    const int msb = 63 - std::countl_zero(v);
    const int shift = msb - sub_bits;
    return shift * sub_count + static_cast<int>(v >> shift);
}

std::int64_t LatencyHistogram::midpoint_of(int bucket) noexcept {
    if (bucket < 2 * sub_count) {
        return bucket;
    }
    const int shift = bucket / sub_count - 1;
    const std::uint64_t top = static_cast<std::uint64_t>(bucket - shift * sub_count);
    const std::uint64_t low = top << shift;
    return static_cast<std::int64_t>(low + ((std::uint64_t{1} << shift) >> 1));
}

void LatencyHistogram::record(std::int64_t ns) noexcept {
    const std::uint64_t v = ns < 0 ? 0 : static_cast<std::uint64_t>(ns);
    ++counts_[static_cast<std::size_t>(bucket_of(v))];
    ++count_;
    if (ns > max_) {
        max_ = ns;
    }
}

std::int64_t LatencyHistogram::percentile(double q) const noexcept {
    if (count_ == 0) {
        return 0;
    }
    const auto wanted = static_cast<std::uint64_t>(
        std::ceil(q * static_cast<double>(count_)));
    const std::uint64_t target = wanted == 0 ? 1 : wanted;
    std::uint64_t seen = 0;
    for (int b = 0; b < bucket_count; ++b) {
        seen += counts_[static_cast<std::size_t>(b)];
        if (seen >= target) {
            const std::int64_t mid = midpoint_of(b);
            return mid > max_ ? max_ : mid;
        }
    }
    return max_;
}

}  // namespace natter::bench
