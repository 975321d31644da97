#include "src/time_text.hpp"

#include <array>

#include <fmt/format.h>

namespace natter {
namespace {

struct Unit {
    std::int64_t seconds;
    char letter;
};

constexpr std::array<Unit, 4> units{{{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}}};

}  // namespace

std::string short_duration(std::chrono::seconds duration) {
    const auto total = std::max<std::int64_t>(0, duration.count());
    for (const auto& unit : units) {
        if (total >= unit.seconds || unit.seconds == 1) return fmt::format("{}{}", total / unit.seconds, unit.letter);
    }
    return "0s";
}

std::string long_duration(std::chrono::seconds duration) {
    const auto total = std::max<std::int64_t>(0, duration.count());
    for (std::size_t i = 0; i < units.size(); ++i) {
        const auto& unit = units[i];
        if (total < unit.seconds && unit.seconds != 1) continue;
        auto out = fmt::format("{}{}", total / unit.seconds, unit.letter);
        if (i + 1 < units.size()) {
            const auto& next = units[i + 1];
            if (const auto rest = total % unit.seconds / next.seconds; rest > 0) out += fmt::format(" {}{}", rest, next.letter);
        }
        return out;
    }
    return "0s";
}

std::string utc_date_time(std::int64_t unix_seconds) {
    const std::chrono::sys_seconds when{std::chrono::seconds{unix_seconds}};
    const auto day = std::chrono::floor<std::chrono::days>(when);
    const std::chrono::year_month_day date{day};
    const std::chrono::hh_mm_ss time{when - day};
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), time.hours().count(),
                       time.minutes().count());
}

}  // namespace natter
