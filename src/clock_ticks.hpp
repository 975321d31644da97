// Times as plain integers and back, for what crosses a hot restart: steady
// times as nanoseconds of CLOCK_MONOTONIC (libstdc++'s steady_clock), which
// runs on across execve, so a deadline saved by one process holds in the
// next; wall times as Unix milliseconds.
#pragma once

#include <chrono>
#include <cstdint>

namespace natter {

[[nodiscard]] inline std::int64_t steady_ns(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

[[nodiscard]] inline std::chrono::steady_clock::time_point steady_at(std::int64_t ns) {
    return std::chrono::steady_clock::time_point{
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::nanoseconds{ns})};
}

[[nodiscard]] inline std::int64_t unix_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

[[nodiscard]] inline std::chrono::system_clock::time_point from_unix_ms(std::int64_t ms) {
    return std::chrono::system_clock::time_point{
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::milliseconds{ms})};
}

}  // namespace natter
