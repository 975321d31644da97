#include "src/registration_throttle.hpp"

#include <algorithm>

namespace natter {
namespace {
// Past this many tracked blocks, blocks with nothing left in the window are
// swept, so registrations from many addresses cannot grow the map for good.
constexpr std::size_t sweep_above = 4096;
}  // namespace

void RegistrationThrottle::drop_older(Times& times, Clock::time_point now, std::chrono::seconds window) {
    while (!times.empty() && times.front() + window <= now) times.pop_front();
}

RegistrationThrottle::Clock::duration RegistrationThrottle::wait_for(const Times& times, std::uint32_t limit,
                                                                     Clock::time_point now,
                                                                     std::chrono::seconds window) {
    // With n counted and a limit of k, n - k + 1 of them must leave the
    // window first (more than one when a reload lowered the limit).
    const auto leaving = times.size() - limit;
    return times[leaving] + window - now;
}

RegistrationThrottle::Verdict RegistrationThrottle::check(const std::string& block, const Limits& limits,
                                                          Clock::time_point now) {
    if (by_block_.size() > sweep_above) sweep(now, limits.window);
    drop_older(all_, now, limits.window);
    Verdict verdict;
    if (limits.per_address > 0) {
        if (auto it = by_block_.find(block); it != by_block_.end()) {
            drop_older(it->second, now, limits.window);
            if (it->second.size() >= limits.per_address) {
                verdict.allowed = false;
                verdict.scope = Scope::address;
                verdict.retry_after = wait_for(it->second, limits.per_address, now, limits.window);
                verdict.episode_started = refusing_.insert(block).second;
                return verdict;
            }
        }
    }
    refusing_.erase(block);
    if (limits.per_window > 0 && all_.size() >= limits.per_window) {
        verdict.allowed = false;
        verdict.scope = Scope::server;
        verdict.retry_after = wait_for(all_, limits.per_window, now, limits.window);
        verdict.episode_started = !refusing_all_;
        refusing_all_ = true;
        return verdict;
    }
    refusing_all_ = false;
    return verdict;
}

void RegistrationThrottle::record(const std::string& block, Clock::time_point now) {
    // Times arrive in order from one clock, so each deque stays sorted.
    by_block_[block].push_back(now);
    all_.push_back(now);
}

void RegistrationThrottle::forget(const std::string& block, Clock::time_point when) {
    const auto take_back = [when](Times& times) {
        if (const auto it = std::find(times.rbegin(), times.rend(), when); it != times.rend()) {
            times.erase(std::next(it).base());
        }
    };
    if (auto it = by_block_.find(block); it != by_block_.end()) {
        take_back(it->second);
        if (it->second.empty()) by_block_.erase(it);
    }
    take_back(all_);
}

void RegistrationThrottle::sweep(Clock::time_point now, std::chrono::seconds window) {
    for (auto it = by_block_.begin(); it != by_block_.end();) {
        drop_older(it->second, now, window);
        if (it->second.empty()) {
            refusing_.erase(it->first);
            it = by_block_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace natter
