// The server's log: one line per event on stdout, with a UTC timestamp, as
// text or as JSON ([log] format). Lines are buffered and written when flush_log() is called (once per loop
// iteration) or the buffer fills, so a busy room does not cost one write
// system call per chat line.
#pragma once

#include <memory>
#include <string_view>

#include <spdlog/formatter.h>

#include "src/config.hpp"

namespace natter {

// Installs the stdout logger as spdlog's default, at `level`, writing lines
// in `format`.
void init_logging(std::string_view level, Config::Log::Format format = Config::Log::Format::text);
// What turns one event into one line: for text,
// "[2024-02-29T23:59:58.007Z] [info] message".
[[nodiscard]] std::unique_ptr<spdlog::formatter> make_log_formatter(Config::Log::Format format);
void set_log_level(std::string_view level);
void flush_log();

}  // namespace natter
