// RedisServer: the test Redis starts, answers, dies and comes back empty on
// the same socket.
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include <doctest/doctest.h>

#include "tests/support/redis_server.hpp"

namespace natter::test {

TEST_CASE("RedisServer: answers PING through cli and comes back empty after kill9") {
    RedisServer redis;
    REQUIRE(redis.pid() > 0);
    CHECK(redis.address() == "unix:" + redis.socket_path().string());
    const RunResult ping = redis.cli({"PING"});
    CHECK(ping.status == 0);
    CHECK(ping.out == "PONG\n");
    CHECK(redis.cli({"SET", "k", "v"}).out == "OK\n");

    const pid_t first = redis.pid();
    redis.kill9();
    CHECK(redis.pid() == -1);
    CHECK_FALSE(std::filesystem::exists(redis.socket_path()));
    CHECK(::kill(first, 0) != 0);  // reaped: no such process any more

    redis.restart();
    CHECK(redis.cli({"PING"}).out == "PONG\n");
    CHECK(redis.cli({"GET", "k"}).out == "\n");  // empty data after the restart
}

TEST_CASE("RedisServer: the tcp option listens on 127.0.0.1") {
    RedisServer redis{RedisOptions{.tcp = true}};
    const std::string address = redis.tcp_address();
    REQUIRE(address.starts_with("tcp://127.0.0.1:"));
    const std::string port = address.substr(address.rfind(':') + 1);
    const RunResult ping = run_process({"redis-cli", "-h", "127.0.0.1", "-p", port, "PING"});
    CHECK(ping.out == "PONG\n");
}

}  // namespace natter::test
