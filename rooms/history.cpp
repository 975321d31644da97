#include "rooms/history.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include <fmt/format.h>

namespace natter {

void History::set_capacity(std::size_t capacity) {
    if (capacity == capacity_) return;
    // Unwrap, keeping the newest entries that still fit.
    std::vector<Entry> kept;
    const auto keep = std::min(capacity, entries_.size());
    kept.reserve(keep);
    for (std::size_t i = entries_.size() - keep; i < entries_.size(); ++i) {
        kept.push_back(std::move(entries_[(oldest_ + i) % entries_.size()]));
    }
    entries_ = std::move(kept);
    oldest_ = 0;
    capacity_ = capacity;
}

void History::add(Entry entry) {
    if (capacity_ == 0) return;
    if (entries_.size() < capacity_) {
        entries_.push_back(std::move(entry));
        return;
    }
    entries_[oldest_] = std::move(entry);
    oldest_ = (oldest_ + 1) % capacity_;
}

const History::Entry& History::operator[](std::size_t i) const {
    assert(i < entries_.size());
    return entries_[(oldest_ + i) % entries_.size()];
}

std::string clock_time(History::WallClock::time_point when) {
    const auto since_midnight = when - std::chrono::floor<std::chrono::days>(when);
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(since_midnight).count();
    return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

}  // namespace natter
