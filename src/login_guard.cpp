#include "src/login_guard.hpp"

#include <algorithm>

#include "src/names.hpp"

namespace natter {
namespace {
// Past this many tracked keys, stale entries are swept, so guessing many
// names from many addresses cannot grow the maps without bound.
constexpr std::size_t sweep_above = 4096;
}  // namespace

std::size_t LoginGuard::count(Failures& failures, const std::string& key, Clock::time_point now) {
    auto& times = failures[key];
    times.push_back(now);
    while (!times.empty() && times.front() + window <= now) times.pop_front();
    return times.size();
}

LoginGuard::Verdict LoginGuard::record_failure(std::string_view name, std::string_view address,
                                               Clock::time_point now) {
    if (by_name_.size() + by_address_.size() + locked_until_.size() > sweep_above) forget_stale(now);
    const auto failures = std::max(count(by_name_, name_key(name), now), count(by_address_, std::string{address}, now));
    if (failures >= max_failures) {
        locked_until_[std::string{address}] = now + lockout;
        by_address_.erase(std::string{address});
        return {.delay = std::chrono::milliseconds{0}, .lock_out = true};
    }
    return {.delay = first_delay * (1U << (failures - 1)), .lock_out = false};
}

void LoginGuard::record_success(std::string_view name, std::string_view address) {
    by_name_.erase(name_key(name));
    by_address_.erase(std::string{address});
}

bool LoginGuard::locked_out(std::string_view address, Clock::time_point now) const {
    const auto it = locked_until_.find(std::string{address});
    return it != locked_until_.end() && now < it->second;
}

void LoginGuard::forget_stale(Clock::time_point now) {
    for (auto* failures : {&by_name_, &by_address_}) {
        std::erase_if(*failures, [&](const auto& entry) { return entry.second.back() + window <= now; });
    }
    std::erase_if(locked_until_, [&](const auto& entry) { return entry.second <= now; });
}

}  // namespace natter
