// bench/node_list.hpp — several servers (cluster nodes) behind one run:
// the comma lists of --ports and --server-pid, and which node each client
// id connects to. Pure: no sockets, no /proc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace natter::bench {

// "5005,5006,5007" → {5005, 5006, 5007}; nullopt for an empty list, an
// empty item, a non-number or a port outside 1..65535.
[[nodiscard]] std::optional<std::vector<std::uint16_t>> parse_port_list(std::string_view text);

// "123,456" → {123, 456}; nullopt for an empty list, an empty item, a
// non-number or a PID below 1.
[[nodiscard]] std::optional<std::vector<int>> parse_pid_list(std::string_view text);

// The node (index into the port list) client `id` connects to: round robin,
// so every scenario's first `nodes` clients land on distinct nodes and any
// run of consecutive ids is spread evenly. One node: always 0.
[[nodiscard]] constexpr std::size_t node_of_client(std::uint32_t id, std::size_t nodes) noexcept {
    return nodes <= 1 ? 0 : id % nodes;
}

// How many of the ids [0, clients) connect to `node` of `nodes`.
[[nodiscard]] constexpr std::uint32_t clients_on_node(std::uint32_t clients, std::size_t node,
                                                      std::size_t nodes) noexcept {
    if (nodes <= 1) {
        return node == 0 ? clients : 0;
    }
    if (node >= nodes) {
        return 0;
    }
    const auto n = static_cast<std::uint32_t>(nodes);
    const auto k = static_cast<std::uint32_t>(node);
    return clients / n + (k < clients % n ? 1U : 0U);
}

}  // namespace natter::bench
