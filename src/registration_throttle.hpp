// Keeps one address, and everyone together, from registering accounts
// faster than a person would: counts registrations per address block (see
// address_block) and in all within a sliding window, says whether one more
// may go ahead and, if not, how long until it may. Pure bookkeeping in
// memory with the time passed in; knows nothing of sessions or the store.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace natter {

class RegistrationThrottle {
public:
    using Clock = std::chrono::steady_clock;

    struct Limits {
        std::uint32_t per_address = 3;  // 0 = no limit
        std::uint32_t per_window = 100;  // 0 = no limit
        std::chrono::seconds window{3600};
    };

    enum class Scope { address, server };

    struct Verdict {
        bool allowed = true;
        Scope scope = Scope::address;     // which limit refused it
        Clock::duration retry_after{};    // until one more would be allowed
        // The first refusal since this limit last let one through: the one
        // worth a log line (refusals are logged per episode, not per try).
        bool episode_started = false;
    };

    // Whether a registration from `block` may go ahead at `now`. Counts
    // nothing: record() does, once the registration is under way.
    [[nodiscard]] Verdict check(const std::string& block, const Limits& limits, Clock::time_point now);
    // Counts one registration from `block` at `now`.
    void record(const std::string& block, Clock::time_point now);
    // Takes back a registration recorded at `when` that did not happen (the
    // name was taken meanwhile, the server was busy).
    void forget(const std::string& block, Clock::time_point when);

    [[nodiscard]] std::size_t counted() const { return all_.size(); }

private:
    using Times = std::deque<Clock::time_point>;
    static void drop_older(Times& times, Clock::time_point now, std::chrono::seconds window);
    static Clock::duration wait_for(const Times& times, std::uint32_t limit, Clock::time_point now,
                                    std::chrono::seconds window);
    void sweep(Clock::time_point now, std::chrono::seconds window);

    std::unordered_map<std::string, Times> by_block_;
    Times all_;
    std::unordered_set<std::string> refusing_;  // blocks in a refusal episode
    bool refusing_all_ = false;                  // the server-wide limit is in one
};

}  // namespace natter
