// The two log formats ([log] format): text and one JSON object per line,
// both stamped in UTC with a Z; JSON escapes whatever the message holds.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/details/log_msg.h>

#include "src/log.hpp"

namespace natter {
namespace {

using Format = Config::Log::Format;

// 2024-02-29T23:59:58.007Z: a leap day, a single-digit millisecond.
spdlog::log_clock::time_point sample_time() {
    using namespace std::chrono;
    return spdlog::log_clock::time_point{duration_cast<spdlog::log_clock::duration>(
        sys_days{year{2024} / February / 29}.time_since_epoch() + hours{23} + minutes{59} + seconds{58} +
        milliseconds{7})};
}

std::string format_line(Format format, spdlog::level::level_enum level, std::string_view text) {
    const spdlog::details::log_msg msg{sample_time(), spdlog::source_loc{}, "natter", level,
                                       spdlog::string_view_t{text.data(), text.size()}};
    spdlog::memory_buf_t out;
    make_log_formatter(format)->format(msg, out);
    return {out.data(), out.size()};
}

}  // namespace

TEST_CASE("Log: the text format stamps each line in UTC with a Z") {
    CHECK(format_line(Format::text, spdlog::level::info, "alice listening on 127.0.0.1:5005") ==
          "[2024-02-29T23:59:58.007Z] [info] alice listening on 127.0.0.1:5005\n");
    CHECK(format_line(Format::text, spdlog::level::warn, "x") == "[2024-02-29T23:59:58.007Z] [warning] x\n");
}

TEST_CASE("Log: the JSON format is one object per line with time, level and message") {
    CHECK(format_line(Format::json, spdlog::level::info, "say lobby amy: hi") ==
          R"({"time":"2024-02-29T23:59:58.007Z","level":"info","message":"say lobby amy: hi"})"
          "\n");
    CHECK(format_line(Format::json, spdlog::level::err, "") ==
          R"({"time":"2024-02-29T23:59:58.007Z","level":"error","message":""})"
          "\n");
}

TEST_CASE("Log: JSON escapes quotes, backslashes and control characters") {
    const std::string text = "he said \"hi\" \\ then\ttab\nnew line \x01 \x1f end";
    const auto line = format_line(Format::json, spdlog::level::info, text);
    CAPTURE(line);
    CHECK(line.find(R"(he said \"hi\" \\ then\ttab\nnew line \u0001 \u001f end)") != std::string::npos);
    // One line: the newline in the message is escaped, the one at the end is not.
    CHECK(line.find('\n') == line.size() - 1);
    const auto parsed = nlohmann::json::parse(line);
    CHECK(parsed.at("message") == text);
    CHECK(parsed.at("level") == "info");
    CHECK(parsed.at("time") == "2024-02-29T23:59:58.007Z");
    CHECK(parsed.size() == 3);
}

TEST_CASE("Log: JSON keeps UTF-8 as it is and turns invalid bytes into U+FFFD") {
    const auto line = format_line(Format::json, spdlog::level::info, "caf\xc3\xa9 \xff\xfe bad");
    CAPTURE(line);
    const auto parsed = nlohmann::json::parse(line);  // would throw on invalid UTF-8
    CHECK(parsed.at("message") == "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd bad");
}

TEST_CASE("Log: both formats write the same time for the same event") {
    const auto text = format_line(Format::text, spdlog::level::info, "m");
    const auto json = nlohmann::json::parse(format_line(Format::json, spdlog::level::info, "m"));
    CHECK(text.substr(1, text.find(']') - 1) == json.at("time").get<std::string>());
}

}  // namespace natter
