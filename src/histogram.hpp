// A distribution of durations (or any non-negative values) in fixed
// buckets, for /metrics: a few plain integers and a sum, updated where the
// work is done, read only when scraped. Not thread-safe: one thread
// observes, the same thread reads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace natter {

class Histogram {
public:
    // `bounds`: the buckets' upper bounds, ascending; one more bucket, past
    // the last bound, takes the rest (+Inf).
    explicit Histogram(std::vector<double> bounds);

    void observe(double value) {
        std::size_t bucket = 0;
        while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
        ++counts_[bucket];
        sum_ += value;
    }

    [[nodiscard]] std::span<const double> bounds() const { return bounds_; }
    // Per bucket, not cumulative: bounds().size() + 1 of them, the last past every bound.
    [[nodiscard]] std::span<const std::uint64_t> counts() const { return counts_; }
    [[nodiscard]] std::uint64_t count() const;
    [[nodiscard]] double sum() const { return sum_; }

private:
    std::vector<double> bounds_;
    std::vector<std::uint64_t> counts_;
    double sum_ = 0;
};

}  // namespace natter
