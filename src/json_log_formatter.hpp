// The JSON log format: one object per line, {"time", "level", "message"},
// for log shippers that should not have to parse the text format. A spdlog
// formatter; knows nothing of where the lines go.
#pragma once

#include <memory>

#include <spdlog/formatter.h>

namespace natter {

class JsonLogFormatter final : public spdlog::formatter {
public:
    // The message is escaped for JSON (quotes, backslashes, control
    // characters) and invalid UTF-8 becomes U+FFFD, so every line parses.
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
    [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace natter
