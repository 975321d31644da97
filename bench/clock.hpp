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

// A kernel timestamp (CLOCK_REALTIME, as socket receive stamps are) on
// now_ns()'s clock, by the two clocks' offset read now; NTP slews them apart
// by microseconds per second at most, far below what is measured.
inline std::int64_t realtime_to_now_ns(const timespec& stamp) noexcept {
    timespec real{};
    clock_gettime(CLOCK_REALTIME, &real);
    const std::int64_t offset =
        (static_cast<std::int64_t>(real.tv_sec) * ns_per_s + real.tv_nsec) - now_ns();
    return static_cast<std::int64_t>(stamp.tv_sec) * ns_per_s + stamp.tv_nsec - offset;
}

constexpr std::int64_t seconds_to_ns(double s) noexcept {
    return static_cast<std::int64_t>(s * 1e9);
}

constexpr double ns_to_seconds(std::int64_t ns) noexcept {
    return static_cast<double>(ns) / 1e9;
}

}  // namespace natter::bench
