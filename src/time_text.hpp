// How times and durations are written for people: "5m" and "2h" in `who`,
// "3d 4h" for a total, "2025-03-04 10:00 UTC" for a moment. Pure functions;
// every moment is shown in UTC, the same for every user whatever the
// server's zone.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace natter {

// The largest whole unit: "45s", "5m", "2h", "3d" (negative counts as 0s).
[[nodiscard]] std::string short_duration(std::chrono::seconds duration);

// The two largest units, the second left out when 0: "45s", "5m 3s", "2h",
// "3d 4h".
[[nodiscard]] std::string long_duration(std::chrono::seconds duration);

// "2025-03-04 10:00 UTC": a time in Unix seconds.
[[nodiscard]] std::string utc_date_time(std::int64_t unix_seconds);

}  // namespace natter
