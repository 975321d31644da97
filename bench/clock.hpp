// bench/clock.hpp — the one clock the load generator uses for timestamps,
// deadlines and latency. It must not know about sockets or scenarios.
#pragma once

#include <cstdint>
#include <ctime>

namespace natter::bench {

// Monotonic nanoseconds. Every timestamp a line carries is written and read by
// this same process, so a monotonic clock is exact and immune to NTP steps.
inline std::int64_t now_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

constexpr std::int64_t ns_per_s = 1'000'000'000;

constexpr std::int64_t seconds_to_ns(double s) noexcept {
    return static_cast<std::int64_t>(s * 1e9);
}

constexpr double ns_to_seconds(std::int64_t ns) noexcept {
    return static_cast<double>(ns) / 1e9;
}

}  // namespace natter::bench
