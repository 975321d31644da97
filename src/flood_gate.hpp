// Flood control for one session: a token bucket of `burst` lines refilled
// at `per_second`, and the bookkeeping that turns a run of dropped lines
// into one warning and, if it goes on, a disconnect. Pure; time is passed in.
#pragma once

#include <chrono>
#include <cstdint>

namespace natter {

struct FloodSnapshot;

class FloodGate {
public:
    using Clock = std::chrono::steady_clock;

    enum class Verdict {
        pass,        // handle the line
        drop_warn,   // drop it and tell the user (first drop of an episode)
        drop,        // drop it quietly
        disconnect,  // flooding for too long
    };

    // A line arrived at `now`. per_second == 0 turns control off.
    [[nodiscard]] Verdict admit(Clock::time_point now, std::uint32_t burst, std::uint32_t per_second);

    // How long a flood may go on before the session is dropped, and how long
    // without drops ends an episode.
    // The bucket and episode, for a hot restart (steady-clock times).
    [[nodiscard]] FloodSnapshot snapshot() const;
    void restore(const FloodSnapshot& snapshot);

    static constexpr std::chrono::seconds max_episode{10};
    static constexpr std::chrono::seconds calm_after{3};

private:
    double tokens_ = -1;  // negative: not started (the bucket starts full)
    Clock::time_point refilled_{};
    Clock::time_point episode_start_{};
    Clock::time_point last_drop_{};
    bool in_episode_ = false;
};

}  // namespace natter
