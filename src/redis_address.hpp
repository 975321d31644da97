// Where Redis listens, as an operator writes it: "unix:/abs/path/redis.sock"
// or "tcp://host:port" (a host name, an IPv4 address, or an IPv6 address in
// brackets). Pure: no lookups, no sockets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/error.hpp"

namespace natter {

struct RedisAddress {
    enum class Kind { unix_socket, tcp };
    Kind kind = Kind::unix_socket;
    std::string path;        // unix_socket: absolute path of the socket
    std::string host;        // tcp: name or numeric address, without brackets
    std::uint16_t port = 0;  // tcp

    // The address as parse_redis_address reads it back.
    std::string text() const;

    bool operator==(const RedisAddress&) const = default;
};

// The address, or a one-line error naming what is wrong with `text`.
[[nodiscard]] Result<RedisAddress> parse_redis_address(std::string_view text);

}  // namespace natter
