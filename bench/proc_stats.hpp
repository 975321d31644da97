// bench/proc_stats.hpp — what the load generator reads about the server
// process from /proc (CPU time, resident memory). Linux only; it knows
// nothing about the protocol.
#pragma once

#include <cstdint>
#include <optional>

namespace natter::bench {

// utime + stime of the process, in seconds; nullopt when it cannot be read.
[[nodiscard]] std::optional<double> process_cpu_seconds(int pid);

// VmRSS of the process in KiB; nullopt when it cannot be read.
[[nodiscard]] std::optional<std::uint64_t> process_rss_kib(int pid);

// CPU seconds (user + system) used so far by this load generator, so a
// report can show whether the generator, not the server, was the bottleneck.
[[nodiscard]] double self_cpu_seconds();

}  // namespace natter::bench
