// parse_redis_address: the two forms an operator writes, and a one-line
// reason for each way of getting them wrong.
#include <doctest/doctest.h>

#include "tests/unit/printing.hpp"

#include <string>

#include "src/redis_address.hpp"

namespace natter {
namespace {

// The error message, or "" when the text parsed.
std::string error_of(std::string_view text) {
    const auto parsed = parse_redis_address(text);
    return parsed ? std::string{} : parsed.error().message;
}

}  // namespace

TEST_CASE("Redis address: unix socket paths") {
    const auto address = parse_redis_address("unix:/run/redis/redis.sock");
    REQUIRE(address);
    CHECK(address->kind == RedisAddress::Kind::unix_socket);
    CHECK(address->path == "/run/redis/redis.sock");
    CHECK(address->text() == "unix:/run/redis/redis.sock");
}

TEST_CASE("Redis address: tcp with a host name or IPv4 or bracketed IPv6") {
    const auto named = parse_redis_address("tcp://redis.example.org:6379");
    REQUIRE(named);
    CHECK(named->kind == RedisAddress::Kind::tcp);
    CHECK(named->host == "redis.example.org");
    CHECK(named->port == 6379);
    CHECK(named->text() == "tcp://redis.example.org:6379");

    const auto v4 = parse_redis_address("tcp://127.0.0.1:1");
    REQUIRE(v4);
    CHECK(v4->host == "127.0.0.1");
    CHECK(v4->port == 1);

    const auto v6 = parse_redis_address("tcp://[::1]:65535");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == 65535);
    CHECK(v6->text() == "tcp://[::1]:65535");

    CHECK(parse_redis_address("tcp://localhost:7000"));
    CHECK(parse_redis_address("tcp://redis-1.internal.:7000"));
    CHECK(parse_redis_address("tcp://[2001:db8::7]:7000"));
}

TEST_CASE("Redis address: text reads back as the same address") {
    for (const char* text : {"unix:/tmp/r.sock", "tcp://h:2", "tcp://10.0.0.1:6380", "tcp://[fe80::1]:6379"}) {
        const auto address = parse_redis_address(text);
        REQUIRE(address);
        CHECK(address->text() == text);
        const auto again = parse_redis_address(address->text());
        REQUIRE(again);
        CHECK(*again == *address);
    }
}

TEST_CASE("Redis address: an unknown scheme says what is expected") {
    CHECK(error_of("") == "redis address \"\": expected unix:/path/to/redis.sock or tcp://host:port");
    CHECK(error_of("redis://localhost:6379").find("expected unix:") != std::string::npos);
    CHECK(error_of("/run/redis.sock").find("expected unix:") != std::string::npos);
    CHECK(error_of("TCP://h:1").find("expected unix:") != std::string::npos);
}

TEST_CASE("Redis address: unix paths must be absolute and fit a socket address") {
    CHECK(error_of("unix:") == "redis address \"unix:\": the socket path is missing");
    CHECK(error_of("unix:redis.sock") == "redis address \"unix:redis.sock\": the socket path must be absolute");
    CHECK(error_of("unix:/" + std::string(107, 'a')).find("longer than 107 bytes") != std::string::npos);
    CHECK(parse_redis_address("unix:/" + std::string(106, 'a')));
    CHECK(error_of(std::string{"unix:/a\0b", 9}).find("NUL") != std::string::npos);
}

TEST_CASE("Redis address: tcp hosts") {
    CHECK(error_of("tcp://:6379") == "redis address \"tcp://:6379\": the host is missing");
    CHECK(error_of("tcp://") == "redis address \"tcp://\": the host is missing");
    CHECK(error_of("tcp://::1:6379").find("needs brackets") != std::string::npos);
    CHECK(error_of("tcp://[::1:6379").find("without \"]\"") != std::string::npos);
    CHECK(error_of("tcp://[nothost]:6379").find("is not an IPv6 address") != std::string::npos);
    CHECK(error_of("tcp://[127.0.0.1]:6379").find("is not an IPv6 address") != std::string::npos);
    CHECK(error_of("tcp://bad_host:6379").find("is not a host name") != std::string::npos);
    CHECK(error_of("tcp://-a.b:6379").find("is not a host name") != std::string::npos);
    CHECK(error_of("tcp://a..b:6379").find("is not a host name") != std::string::npos);
    CHECK(error_of("tcp://user@h:6379").find("is not a host name") != std::string::npos);
}

TEST_CASE("Redis address: tcp ports from 1 to 65535") {
    CHECK(error_of("tcp://h") == "redis address \"tcp://h\": the port is missing, as in tcp://host:6379");
    CHECK(error_of("tcp://[::1]").find("the port is missing") != std::string::npos);
    CHECK(error_of("tcp://[::1]6379").find("expected \":port\"") != std::string::npos);
    for (const char* bad : {"tcp://h:", "tcp://h:0", "tcp://h:65536", "tcp://h:-1", "tcp://h:+1", "tcp://h:63a",
                            "tcp://h:6379/0", "tcp://h: 6379", "tcp://h:99999999999"}) {
        CAPTURE(bad);
        CHECK(error_of(bad).find("the port must be a number from 1 to 65535") != std::string::npos);
    }
}

}  // namespace natter
