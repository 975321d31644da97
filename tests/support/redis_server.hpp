// A throw-away redis-server for one test: its own temporary directory and
// unix socket (and a free 127.0.0.1 port when asked), no persistence, owned
// by PID. The destructor kills it and removes the directory; kill9() and
// restart() let a test take Redis away and bring it back empty on the same
// address, as a crashed server without persistence comes back.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace natter::test {

struct RedisOptions {
    bool tcp = false;  // also listen on a free 127.0.0.1 port
};

class RedisServer {
public:
    // Starts redis-server and waits (bounded) until it answers PING. Throws
    // std::runtime_error with its output if it does not (and says how to
    // install it if it is missing).
    explicit RedisServer(RedisOptions options = {});
    // SIGKILL, reap, remove the directory.
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    std::string address() const;      // "unix:/path/redis.sock"
    std::string tcp_address() const;  // "tcp://127.0.0.1:P" (tcp option only)
    std::filesystem::path socket_path() const;
    pid_t pid() const;  // -1 while killed

    // SIGKILL and reap; the socket file is removed, so connecting fails.
    void kill9();
    // Starts again on the same socket path (and port), with no data.
    void restart();
    // redis-cli -s <socket> args..., run to completion (bounded).
    RunResult cli(std::vector<std::string> args) const;

private:
    void start();

    RedisOptions options_;
    TempDir dir_;
    std::uint16_t port_ = 0;
    std::unique_ptr<ChildProcess> child_;
};

}  // namespace natter::test
