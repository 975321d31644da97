#include "src/json_log_formatter.hpp"

#include <time.h>

#include <chrono>
#include <iterator>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace natter {
namespace {

// RFC 3339 in UTC to the millisecond, as the text format writes it.
void append_time(spdlog::log_clock::time_point time, spdlog::memory_buf_t& dest) {
    using namespace std::chrono;
    const auto since_epoch = duration_cast<milliseconds>(time.time_since_epoch());
    const auto seconds = floor<std::chrono::seconds>(since_epoch);
    const std::time_t whole = static_cast<std::time_t>(seconds.count());
    std::tm utc{};
    gmtime_r(&whole, &utc);
    fmt::format_to(std::back_inserter(dest), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                   utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                   (since_epoch - seconds).count());
}

void append(std::string_view text, spdlog::memory_buf_t& dest) { dest.append(text.data(), text.data() + text.size()); }

}  // namespace

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
    // Only the message can hold arbitrary bytes: nlohmann::json escapes it;
    // the time and the level name are plain ASCII and written directly.
    const nlohmann::json message = std::string{msg.payload.data(), msg.payload.size()};
    append(R"({"time":")", dest);
    append_time(msg.time, dest);
    append(R"(","level":")", dest);
    const auto level = spdlog::level::to_string_view(msg.level);
    append({level.data(), level.size()}, dest);
    append(R"(","message":)", dest);
    append(message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), dest);
    append("}\n", dest);
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const { return std::make_unique<JsonLogFormatter>(); }

}  // namespace natter
