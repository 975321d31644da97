#include "tests/support/server_process.hpp"

#include <csignal>
#include <cstdio>
#include <optional>
#include <stdexcept>

#ifndef NATTERD_PATH
#error "NATTERD_PATH must name the natterd binary under test"
#endif

namespace natter::test {
namespace {

std::vector<std::string> natterd_argv(const std::filesystem::path& config, const ServerOptions& options) {
    std::vector<std::string> argv{options.launcher};
    argv.insert(argv.end(), {options.binary.empty() ? natterd_path() : options.binary.string(), "--config",
                             config.string()});
    argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
    return argv;
}

// The port from natterd's "<marker>127.0.0.1:PORT" line, 0 if absent.
std::uint16_t parse_listening_port(std::string_view log, std::string_view marker = "listening on ") {
    const auto at = log.find(marker);
    if (at == std::string_view::npos) return 0;
    std::string_view rest = log.substr(at + marker.size());
    rest = rest.substr(0, rest.find_first_of(" \t\r\n"));
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return 0;
    unsigned value = 0;
    std::size_t digits = 0;
    for (const char c : rest.substr(colon + 1)) {
        if (c < '0' || c > '9' || digits == 5) break;
        value = value * 10 + static_cast<unsigned>(c - '0');
        ++digits;
    }
    return digits == 0 || value > 65535 ? 0 : static_cast<std::uint16_t>(value);
}

std::optional<unsigned> default_io_threads;

}  // namespace

void set_default_io_threads(unsigned threads) { default_io_threads = threads; }

std::string natterd_path() { return NATTERD_PATH; }

std::string test_config(const ServerOptions& options, const std::filesystem::path& dir) {
    std::string toml;
    toml += "[server]\n";
    toml += "name = \"TestChat\"\n";
    toml += "host = \"127.0.0.1\"\n";
    toml += "port = 0\n";
    toml += options.server_extra;
    if (default_io_threads && options.server_extra.find("io_threads") == std::string::npos) {
        toml += "io_threads = " + std::to_string(*default_io_threads) + "\n";
    }
    toml += "\n[limits]\n";
    toml += options.limits;
    toml += "\n[accounts]\n";
    const auto database = options.database.empty() ? dir / "natter.db" : options.database;
    toml += "database = \"" + database.string() + "\"\n";
    toml += options.accounts;
    toml += "\n";
    toml += options.extra_tables;
    return toml;
}

std::uint16_t ServerProcess::listener_port(std::string_view kind) const {
    return parse_listening_port(child_.stdout_text(), std::string{kind} + " listener on ");
}

ServerProcess::ServerProcess(ServerOptions options)
    : config_(dir_.write_file("natter.toml", test_config(options, dir_.path()))),
      child_(natterd_argv(config_, options)) {
    // Bounded by start_timeout; ends early if natterd exits instead.
    if (child_.wait_for_stdout("listening on", options.start_timeout)) {
        // The line may still be arriving: wait for its end before parsing.
        const auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            const std::string log = child_.stdout_text();
            const auto at = log.find("listening on");
            if (log.find('\n', at) != std::string::npos) break;
            std::this_thread::sleep_for(Millis{5});
        }
        port_ = parse_listening_port(child_.stdout_text());
    }
    if (port_ == 0) {
        const int status = child_.stop(Millis{1000});
        throw std::runtime_error("natterd did not report \"listening on 127.0.0.1:PORT\" (exit status " +
                                 std::to_string(status) + ")\n--- stdout:\n" + child_.stdout_text() +
                                 "--- stderr:\n" + child_.stderr_text());
    }
}

ServerProcess::~ServerProcess() {
    // A natterd that died on its own (a crash) explains most failures of the
    // test that owned it; say so where ctest shows it.
    if (!stop_requested_ && !child_.running()) {
        std::fprintf(stderr, "natterd (pid %d) exited unexpectedly with status %d\n--- stderr:\n%s\n",
                     static_cast<int>(child_.pid()), child_.wait_exit(Millis{0}),
                     child_.stderr_text().c_str());
    }
    child_.stop(Millis{3000});
}

void ServerProcess::signal(int signal_number) {
    if (signal_number != SIGHUP) stop_requested_ = true;  // a reload is no stop
    child_.signal(signal_number);
}

int ServerProcess::terminate(Millis timeout) {
    signal(SIGTERM);
    return child_.wait_exit(timeout);
}

RestartedServer::RestartedServer(const std::filesystem::path& config, Millis start_timeout)
    : child_{{natterd_path(), "--config", config.string()}} {
    if (child_.wait_for_stdout("listening on", start_timeout)) {
        // The line is complete once its end has arrived too.
        child_.read_until([](std::string_view line) { return line.find("listening on") != std::string_view::npos; },
                          Millis{5000});
        port_ = parse_listening_port(child_.stdout_text());
    }
    if (port_ == 0) {
        throw std::runtime_error("natterd did not start again on " + config.string() + "\nstdout:\n" +
                                 child_.stdout_text() + "\nstderr:\n" + child_.stderr_text());
    }
}

RestartedServer::~RestartedServer() { child_.stop(Millis{3000}); }

}  // namespace natter::test
