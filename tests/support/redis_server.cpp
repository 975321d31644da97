// RedisServer: redis-server in the foreground under ChildProcess; ready once
// a PING over its unix socket answers +PONG.
#include "tests/support/redis_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>

#include "tests/support/free_port.hpp"

namespace natter::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr Millis start_timeout{10000};
constexpr Millis cli_timeout{5000};

// One PING over the unix socket; true on +PONG within a short wait.
bool answers_ping(const std::filesystem::path& socket_path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = socket_path.string();
    if (path.size() >= sizeof address.sun_path) {
        ::close(fd);
        throw std::runtime_error("socket path too long: " + path);
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    constexpr std::string_view ping = "PING\r\n";
    ok = ok && ::send(fd, ping.data(), ping.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(ping.size());
    std::string reply;
    const auto deadline = Clock::now() + Millis{500};
    while (ok && reply.find("\r\n") == std::string::npos && Clock::now() < deadline) {
        pollfd pfd{fd, POLLIN, 0};
        if (::poll(&pfd, 1, 50) <= 0) continue;
        char buffer[64];
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) break;
        reply.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fd);
    return reply.starts_with("+PONG\r\n");
}

}  // namespace

RedisServer::RedisServer(RedisOptions options) : options_{options} {
    if (options_.tcp) port_ = free_port();
    start();
}

RedisServer::~RedisServer() {
    // ChildProcess's destructor kills and reaps; the TempDir member then goes.
    child_.reset();
}

void RedisServer::start() {
    std::vector<std::string> argv{"redis-server",
                                  "--port", std::to_string(port_),
                                  "--unixsocket", socket_path().string(),
                                  "--unixsocketperm", "700",
                                  "--save", "",
                                  "--appendonly", "no",
                                  "--daemonize", "no",
                                  "--dir", dir_.path().string()};
    if (options_.tcp) {
        argv.insert(argv.end(), {"--bind", "127.0.0.1"});
    }
    try {
        child_ = std::make_unique<ChildProcess>(std::move(argv));
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string{e.what()} +
                                 " (redis-server is missing? run scripts/setup --test)");
    }
    child_->close_stdin();
    const auto deadline = Clock::now() + start_timeout;
    while (Clock::now() < deadline) {
        if (answers_ping(socket_path())) return;
        if (!child_->running()) break;
        std::this_thread::sleep_for(Millis{20});
    }
    child_->signal(SIGKILL);
    child_->wait_exit(Millis{5000});
    const std::string output = child_->stdout_text() + child_->stderr_text();
    child_.reset();
    throw std::runtime_error("redis-server did not answer PING on " + socket_path().string() +
                             ":\n" + output);
}

std::string RedisServer::address() const { return "unix:" + socket_path().string(); }

std::string RedisServer::tcp_address() const {
    if (!options_.tcp) throw std::logic_error("RedisServer: started without the tcp option");
    return "tcp://127.0.0.1:" + std::to_string(port_);
}

std::filesystem::path RedisServer::socket_path() const { return dir_.path() / "redis.sock"; }

pid_t RedisServer::pid() const { return child_ ? child_->pid() : -1; }

void RedisServer::kill9() {
    if (!child_) return;
    child_->signal(SIGKILL);
    child_->wait_exit(Millis{5000});
    child_.reset();
    // A killed redis-server leaves its socket file; without it a client's
    // connect fails at once, as for a server that is really gone.
    std::error_code ignored;
    std::filesystem::remove(socket_path(), ignored);
}

void RedisServer::restart() {
    kill9();
    start();
}

RunResult RedisServer::cli(std::vector<std::string> args) const {
    std::vector<std::string> argv{"redis-cli", "-s", socket_path().string()};
    argv.insert(argv.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
    return run_process(std::move(argv), cli_timeout);
}

}  // namespace natter::test
