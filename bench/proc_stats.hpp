// bench/proc_stats.hpp — what the load generator reads about the server
// process from /proc (CPU time, resident memory). Linux only; it knows
// nothing about the protocol.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace natter::bench {

// utime + stime of the process, in seconds; nullopt when it cannot be read.
[[nodiscard]] std::optional<double> process_cpu_seconds(int pid);

// The same CPU time in nanoseconds, summed over the process's threads from
// /proc/PID/task/*/schedstat: utime and stime come in 1/100 s ticks, too
// coarse for a run under a second, while the scheduler counts nanoseconds.
// Threads that ended are not counted; nullopt when it cannot be read.
[[nodiscard]] std::optional<std::uint64_t> process_cpu_ns(int pid);

// VmRSS of the process in KiB; nullopt when it cannot be read.
[[nodiscard]] std::optional<std::uint64_t> process_rss_kib(int pid);

// The same three summed over several processes (the nodes of a cluster);
// nullopt when none is given or any one cannot be read, so a figure never
// silently leaves a node out.
[[nodiscard]] std::optional<double> process_cpu_seconds(const std::vector<int>& pids);
[[nodiscard]] std::optional<std::uint64_t> process_cpu_ns(const std::vector<int>& pids);
[[nodiscard]] std::optional<std::uint64_t> process_rss_kib(const std::vector<int>& pids);

// CPU seconds (user + system) used so far by this load generator, so a
// report can show whether the generator, not the server, was the bottleneck.
[[nodiscard]] double self_cpu_seconds();

}  // namespace natter::bench
