#include "src/redis_address.hpp"

#include <arpa/inet.h>
#include <sys/un.h>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace natter {
namespace {

constexpr std::string_view unix_prefix = "unix:";
constexpr std::string_view tcp_prefix = "tcp://";

bool is_host_name(std::string_view host) {
    // RFC 1123 letters, digits, hyphens and dots (a numeric IPv4 address is
    // one too); no label empty or starting or ending with a hyphen. One
    // trailing dot (a fully qualified name) is allowed.
    if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
    if (host.empty() || host.size() > 253) return false;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = std::min(host.find('.', start), host.size());
        const std::string_view label = host.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (const char c : label) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) return false;
        }
        if (dot == host.size()) return true;
        start = dot + 1;
    }
}

bool is_ipv6(std::string_view text) {
    if (text.empty() || text.size() > 45) return false;
    const std::string copy{text};
    in6_addr address{};
    return inet_pton(AF_INET6, copy.c_str(), &address) == 1;
}

Result<RedisAddress> parse_unix(std::string_view text, std::string_view path) {
    if (path.empty()) return fail(fmt::format("redis address \"{}\": the socket path is missing", text));
    if (path.front() != '/') {
        return fail(fmt::format("redis address \"{}\": the socket path must be absolute", text));
    }
    if (path.find('\0') != std::string_view::npos) {
        return fail(fmt::format("redis address \"{}\": the socket path contains a NUL byte", text));
    }
    if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
        return fail(fmt::format("redis address \"{}\": the socket path is longer than {} bytes", text,
                                sizeof(sockaddr_un{}.sun_path) - 1));
    }
    RedisAddress address;
    address.kind = RedisAddress::Kind::unix_socket;
    address.path = std::string{path};
    return address;
}

Result<RedisAddress> parse_tcp(std::string_view text, std::string_view rest) {
    std::string_view host;
    std::string_view after;  // ":port"
    if (rest.starts_with('[')) {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) {
            return fail(fmt::format("redis address \"{}\": \"[\" without \"]\" around the IPv6 address", text));
        }
        host = rest.substr(1, close - 1);
        if (!is_ipv6(host)) {
            return fail(fmt::format("redis address \"{}\": \"{}\" is not an IPv6 address", text, host));
        }
        after = rest.substr(close + 1);
    } else {
        const auto colon = rest.find(':');
        host = rest.substr(0, colon);
        if (colon != std::string_view::npos && rest.find(':', colon + 1) != std::string_view::npos) {
            return fail(fmt::format("redis address \"{}\": an IPv6 address needs brackets, as in tcp://[::1]:6379",
                                    text));
        }
        if (host.empty()) return fail(fmt::format("redis address \"{}\": the host is missing", text));
        if (!is_host_name(host)) {
            return fail(fmt::format("redis address \"{}\": \"{}\" is not a host name or address", text, host));
        }
        after = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon);
    }
    if (after.empty()) {
        return fail(fmt::format("redis address \"{}\": the port is missing, as in tcp://host:6379", text));
    }
    if (after.front() != ':') {
        return fail(fmt::format("redis address \"{}\": expected \":port\" after the host", text));
    }
    const std::string_view digits = after.substr(1);
    unsigned port = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() || port < 1 ||
        port > 65535) {
        return fail(fmt::format("redis address \"{}\": the port must be a number from 1 to 65535", text));
    }
    RedisAddress address;
    address.kind = RedisAddress::Kind::tcp;
    address.host = std::string{host};
    address.port = static_cast<std::uint16_t>(port);
    return address;
}

}  // namespace

std::string RedisAddress::text() const {
    if (kind == Kind::unix_socket) return std::string{unix_prefix} + path;
    if (host.find(':') != std::string::npos) return fmt::format("tcp://[{}]:{}", host, port);
    return fmt::format("tcp://{}:{}", host, port);
}

Result<RedisAddress> parse_redis_address(std::string_view text) {
    if (text.starts_with(unix_prefix)) return parse_unix(text, text.substr(unix_prefix.size()));
    if (text.starts_with(tcp_prefix)) return parse_tcp(text, text.substr(tcp_prefix.size()));
    return fail(fmt::format("redis address \"{}\": expected unix:/path/to/redis.sock or tcp://host:port", text));
}

}  // namespace natter
