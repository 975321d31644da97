// What a logged-in user shows others of themselves and how they are doing:
// the short description after their name, the profile `examine` shows,
// whether they are away and why. A session makes it on first use, so one
// that never sets any of it costs a pointer. Plain data; the commands keep
// the limits below.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace natter {

struct UserInfo {
    using Clock = std::chrono::steady_clock;

    // Limits on what a user stores (texts are cut to them, in characters).
    static constexpr std::size_t max_description = 60;
    static constexpr std::size_t max_profile_lines = 20;
    static constexpr std::size_t max_profile_line = 100;
    static constexpr std::size_t max_away_message = 100;

    std::string description;           // sanitised, at most max_description characters
    std::vector<std::string> profile;  // sanitised lines, at most max_profile_lines
    bool away = false;
    bool away_idle = false;    // marked away for idling rather than by `away`
    std::string away_message;  // may be empty
    std::vector<Clock::time_point> mail_sent;  // when the latest mails were sent (flood control)
};

}  // namespace natter
