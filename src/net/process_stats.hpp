// The process's own resident memory and open descriptors, read from /proc
// when /metrics is scraped.
#pragma once

#include <cstdint>

namespace natter::net {

struct ProcessStats {
    std::uint64_t resident_bytes = 0;    // /proc/self/statm's resident pages × page size
    std::uint64_t open_descriptors = 0;  // entries of /proc/self/fd, less the one that reads it
};

// Zeros for what cannot be read (no /proc).
[[nodiscard]] ProcessStats read_process_stats();

}  // namespace natter::net
