// bench/fd_limit.hpp — raising this process's open-file limit, so the
// connection count a scenario asks for is checked against what the kernel
// will really allow before a single socket is opened.
#pragma once

#include <cstdint>

namespace natter::bench {

// Raises RLIMIT_NOFILE's soft limit to the hard limit and returns the
// resulting soft limit.
std::uint64_t raise_fd_limit();

// Descriptors the generator needs besides its client sockets (stdio, epoll,
// /proc reads, slack for the C library).
constexpr std::uint64_t reserved_fds = 32;

}  // namespace natter::bench
