// Slows down and then stops password guessing: counts wrong passwords per
// name and per address within a window, says how long to wait before the
// next answer, and says when an address is to be refused for a while. Pure
// bookkeeping in memory; the time is passed in. Knows nothing of sessions.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace natter {

class LoginGuard {
public:
    using Clock = std::chrono::steady_clock;

    // Failures counted within this window (per name, per address) ...
    static constexpr auto window = std::chrono::minutes{10};
    // ... up to this many; the last one disconnects and refuses the address.
    static constexpr std::size_t max_failures = 5;
    static constexpr auto lockout = std::chrono::minutes{10};
    // The wait after the n-th failure is first_delay * 2^(n-1).
    static constexpr auto first_delay = std::chrono::milliseconds{250};

    struct Verdict {
        std::chrono::milliseconds delay{0};  // before "wrong password" is said
        bool lock_out = false;               // disconnect; the address is now refused
    };

    Verdict record_failure(std::string_view name, std::string_view address, Clock::time_point now);
    // A right password clears the count for the name and the address.
    void record_success(std::string_view name, std::string_view address);
    [[nodiscard]] bool locked_out(std::string_view address, Clock::time_point now) const;

private:
    using Failures = std::unordered_map<std::string, std::deque<Clock::time_point>>;
    static std::size_t count(Failures& failures, const std::string& key, Clock::time_point now);
    void forget_stale(Clock::time_point now);

    Failures by_name_;
    Failures by_address_;
    std::unordered_map<std::string, Clock::time_point> locked_until_;  // by address
};

}  // namespace natter
