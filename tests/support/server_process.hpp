// The real natterd binary, started for one test with its own config in a
// fresh temporary directory, listening on an ephemeral 127.0.0.1 port. Owns
// the process: the destructor stops it (SIGTERM, then SIGKILL) and removes
// the directory. Knows natterd's command line and start-up log line, nothing
// of the chat protocol.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace natter::test {

struct ServerOptions {
    // Lines of the [limits] table. Flood control is off unless a test asks:
    // tests pipeline lines far faster than a person types.
    std::string limits = "flood_per_second = 0\n";
    std::string server_extra{};  // more lines for [server] (motd, ...)
    std::string accounts{};      // more lines for [accounts] (its database is set)
    std::filesystem::path database{};  // empty: a new account database in the server's directory
    std::string extra_tables{};  // whole tables ([rooms], [operators], ...)
    std::vector<std::string> extra_args{};
    // A command natterd runs under, e.g. {"prlimit", "--nofile=32:32", "--"}.
    std::vector<std::string> launcher{};
    // The natterd binary to run; empty: natterd_path(). (A copy lets a test
    // replace or remove the binary a hot restart executes.)
    std::filesystem::path binary{};
    Millis start_timeout{10000};
};

// `[server] io_threads` for every server a test starts from now on, unless
// its server_extra sets its own (the suite runs once with 1, once with 2).
void set_default_io_threads(unsigned threads);

// The path of the natterd under test (the NATTERD_PATH compile definition).
std::string natterd_path();

// The TOML a test server runs with: name TestChat, 127.0.0.1, port 0, the
// account database inside `dir`, plus what `options` adds.
std::string test_config(const ServerOptions& options, const std::filesystem::path& dir);

class ServerProcess {
public:
    // Starts natterd and waits (bounded) for its "listening on" line. Throws
    // std::runtime_error, with the captured output, if it does not come.
    explicit ServerProcess(ServerOptions options = {});
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    std::uint16_t port() const { return port_; }
    // The port of the first [[listeners]] table of `kind` ("mud", ...), from
    // natterd's "<kind> listener on 127.0.0.1:PORT" line; 0 if none.
    std::uint16_t listener_port(std::string_view kind) const;
    pid_t pid() const { return child_.pid(); }
    const std::filesystem::path& config_path() const { return config_; }
    const TempDir& dir() const { return dir_; }

    // The log (stdout) and stderr captured so far.
    std::string stdout_text() const { return child_.stdout_text(); }
    std::string stderr_text() const { return child_.stderr_text(); }
    // Waits until the log contains `needle`; log lines may lag the wire.
    bool wait_for_log(std::string_view needle, Millis timeout = default_timeout) {
        return child_.wait_for_stdout(needle, timeout);
    }

    // Sends a signal (SIGTERM, SIGINT, SIGHUP, ...).
    void signal(int signal_number);
    // SIGTERM, then waits for the exit; the exit status, or no_exit_status
    // if natterd did not exit in time (the destructor then kills it).
    int terminate(Millis timeout = Millis{5000});
    // Waits for an exit that something else caused.
    int wait_exit(Millis timeout) { return child_.wait_exit(timeout); }

private:
    TempDir dir_;
    std::filesystem::path config_;
    ChildProcess child_;  // declared after dir_: dies before the directory goes
    std::uint16_t port_ = 0;
    bool stop_requested_ = false;  // an exit after our signal is no crash
};

// natterd started again on the config (and so the account database) of an
// earlier ServerProcess, which must have stopped: a restart. Throws
// std::runtime_error, with the captured output, if it does not start to
// listen; stopped (SIGTERM, then SIGKILL) when this goes.
class RestartedServer {
public:
    explicit RestartedServer(const std::filesystem::path& config, Millis start_timeout = Millis{10000});
    ~RestartedServer();
    RestartedServer(const RestartedServer&) = delete;
    RestartedServer& operator=(const RestartedServer&) = delete;

    [[nodiscard]] std::uint16_t port() const { return port_; }
    ChildProcess& child() { return child_; }

private:
    ChildProcess child_;
    std::uint16_t port_ = 0;
};

}  // namespace natter::test
