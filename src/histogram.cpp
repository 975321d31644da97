#include "src/histogram.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace natter {

Histogram::Histogram(std::vector<double> bounds) : bounds_{std::move(bounds)}, counts_(bounds_.size() + 1, 0) {
    assert(std::is_sorted(bounds_.begin(), bounds_.end()));
}

std::uint64_t Histogram::count() const { return std::accumulate(counts_.begin(), counts_.end(), std::uint64_t{0}); }

}  // namespace natter
