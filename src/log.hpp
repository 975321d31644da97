// The server's log: one line per event on stdout, with a timestamp. Lines
// are buffered and written when flush_log() is called (once per loop
// iteration) or the buffer fills, so a busy room does not cost one write
// system call per chat line.
#pragma once

#include <string_view>

namespace natter {

// Installs the stdout logger as spdlog's default, at `level`.
void init_logging(std::string_view level);
void set_log_level(std::string_view level);
void flush_log();

}  // namespace natter
