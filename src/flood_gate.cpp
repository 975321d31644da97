#include "src/flood_gate.hpp"

#include <algorithm>

#include "src/clock_ticks.hpp"
#include "src/restart_state.hpp"

namespace natter {

FloodGate::Verdict FloodGate::admit(Clock::time_point now, std::uint32_t burst, std::uint32_t per_second) {
    if (per_second == 0) return Verdict::pass;
    const double capacity = burst;
    if (tokens_ < 0) {
        tokens_ = capacity;
    } else {
        const std::chrono::duration<double> elapsed = now - refilled_;
        tokens_ = std::min(capacity, tokens_ + elapsed.count() * per_second);
    }
    refilled_ = now;

    if (in_episode_ && now - last_drop_ >= calm_after) in_episode_ = false;
    if (tokens_ >= 1) {
        tokens_ -= 1;
        return Verdict::pass;
    }
    last_drop_ = now;
    if (!in_episode_) {
        in_episode_ = true;
        episode_start_ = now;
        return Verdict::drop_warn;
    }
    return now - episode_start_ >= max_episode ? Verdict::disconnect : Verdict::drop;
}


FloodSnapshot FloodGate::snapshot() const {
    return {.tokens = tokens_,
            .refilled_ns = steady_ns(refilled_),
            .episode_start_ns = steady_ns(episode_start_),
            .last_drop_ns = steady_ns(last_drop_),
            .in_episode = in_episode_};
}

void FloodGate::restore(const FloodSnapshot& snapshot) {
    tokens_ = snapshot.tokens;
    refilled_ = steady_at(snapshot.refilled_ns);
    episode_start_ = steady_at(snapshot.episode_start_ns);
    last_drop_ = steady_at(snapshot.last_drop_ns);
    in_episode_ = snapshot.in_episode;
}

}  // namespace natter
