#include "src/seen_log.hpp"

#include "src/names.hpp"

namespace natter {

void SeenLog::record(std::string_view name, WallClock::time_point when) {
    auto key = name_key(name);
    if (const auto it = by_key_.find(key); it != by_key_.end()) {
        it->second->second = Seen{std::string{name}, when};
        order_.splice(order_.end(), order_, it->second);
        return;
    }
    if (capacity_ == 0) return;
    if (by_key_.size() >= capacity_) {
        by_key_.erase(order_.front().first);
        order_.pop_front();
    }
    order_.emplace_back(key, Seen{std::string{name}, when});
    by_key_.emplace(std::move(key), std::prev(order_.end()));
}

std::optional<SeenLog::Seen> SeenLog::find(std::string_view name) const {
    const auto it = by_key_.find(name_key(name));
    if (it == by_key_.end()) return std::nullopt;
    return it->second->second;
}

}  // namespace natter
