// Times and durations in words (src/time_text): the largest unit, the two
// largest, and a moment in UTC.
#include <doctest/doctest.h>

#include "src/time_text.hpp"

namespace natter {

using std::chrono::seconds;

TEST_CASE("TimeText: a short duration is its largest whole unit") {
    CHECK(short_duration(seconds{0}) == "0s");
    CHECK(short_duration(seconds{-5}) == "0s");
    CHECK(short_duration(seconds{45}) == "45s");
    CHECK(short_duration(seconds{60}) == "1m");
    CHECK(short_duration(seconds{5 * 60 + 59}) == "5m");
    CHECK(short_duration(seconds{2 * 3600 + 1800}) == "2h");
    CHECK(short_duration(seconds{3 * 86400 + 7200}) == "3d");
}

TEST_CASE("TimeText: a long duration is its two largest units, the second left out when 0") {
    CHECK(long_duration(seconds{0}) == "0s");
    CHECK(long_duration(seconds{45}) == "45s");
    CHECK(long_duration(seconds{5 * 60 + 3}) == "5m 3s");
    CHECK(long_duration(seconds{2 * 3600}) == "2h");
    CHECK(long_duration(seconds{2 * 3600 + 5 * 60 + 9}) == "2h 5m");
    CHECK(long_duration(seconds{3 * 86400 + 4 * 3600 + 59}) == "3d 4h");
}

TEST_CASE("TimeText: a moment is shown in UTC to the minute") {
    CHECK(utc_date_time(0) == "1970-01-01 00:00 UTC");
    CHECK(utc_date_time(1'700'000'000) == "2023-11-14 22:13 UTC");
    CHECK(utc_date_time(951'782'400 + 59) == "2000-02-29 00:00 UTC");
}

}  // namespace natter
