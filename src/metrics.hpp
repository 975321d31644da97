// The server's running counts for /metrics: plain integers, bumped by the
// code that does the work (one increment, no lock, no lookup, no string),
// and read only when /metrics is scraped. Everything here is touched on the
// loop thread alone. What can be counted at scrape time instead (users,
// rooms, output waiting) is not kept here.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "src/disconnect_kind.hpp"

namespace natter {

struct Metrics {
    std::uint64_t logins = 0;         // sessions that entered the chat under a name
    std::uint64_t failed_logins = 0;  // wrong passwords
    // Events and lines put in a session's output: one per receiver.
    std::uint64_t deliveries = 0;
    // Bytes the kernel took from natter's sockets (after MCCP and TLS);
    // counted by the network layer.
    std::uint64_t bytes_out = 0;
    std::uint64_t flood_dropped_lines = 0;  // lines dropped by flood control
    // Command lines, by the index of the command in the registry
    // (CommandSpec::index); sized by the World to the registry.
    std::vector<std::uint64_t> command_lines;
    std::uint64_t unknown_lines = 0;  // no command matched (or more than one)
    std::array<std::uint64_t, disconnect_kind_count> disconnects{};

    void count_disconnect(DisconnectKind kind) { ++disconnects[static_cast<std::size_t>(kind)]; }
};

}  // namespace natter
