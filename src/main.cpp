// natterd: parse the command line and the configuration, then run the server.
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "src/accounts.hpp"
#include "src/config.hpp"
#include "src/log.hpp"
#include "src/net/server.hpp"
#include "src/restart_state.hpp"
#include "src/test_certificate.hpp"
#include "src/tls_context.hpp"
#include "src/version.hpp"
#include "src/world.hpp"

namespace {

constexpr int exit_bad_config = 2;

// What a hot restart executes again: the binary as started (resolved now,
// before anyone replaces the file) and the arguments, less a --restore.
natter::net::RestartCommand restart_command(int argc, char** argv) {
    natter::net::RestartCommand command;
    std::error_code error;
    command.executable = std::filesystem::read_symlink("/proc/self/exe", error).string();
    for (int i = 1; i < argc; ++i) {
        const std::string_view argument{argv[i]};
        if (argument == "--restore") {
            ++i;
            continue;
        }
        if (argument.starts_with("--restore=")) continue;
        command.arguments.emplace_back(argument);
    }
    return command;
}

// The state a hot restart left: read, then deleted with its private
// directory at once, so a crash from here on leaves nothing stale for the
// next fresh start.
natter::Result<natter::RestartState> take_restart_state(const std::string& path) {
    std::ifstream in{path, std::ios::binary};
    std::ostringstream text;
    text << in.rdbuf();
    std::error_code ignored;
    const auto dir = std::filesystem::path{path}.parent_path();
    std::filesystem::remove(path, ignored);
    if (dir.filename().string().starts_with("natterd-restart-")) std::filesystem::remove_all(dir, ignored);
    if (!in && text.str().empty()) return natter::fail(fmt::format("cannot read the restart state {}", path));
    return natter::read_restart_state(text.str());
}

// Descriptors the old process left open that the state does not name (a
// library's that lacked close-on-exec) are closed before anything opens.
void close_unlisted_descriptors(const natter::RestartState& state) {
    std::set<int> keep{0, 1, 2};
    for (const auto& listener : state.listeners) keep.insert(listener.fd);
    for (const auto& connection : state.connections) keep.insert(connection.fd);
    std::vector<int> stray;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator{"/proc/self/fd", error}) {
        const int fd = std::atoi(entry.path().filename().c_str());
        if (!keep.contains(fd)) stray.push_back(fd);
    }
    // The iterator's own descriptor is closed by now and fails harmlessly.
    for (const int fd : stray) ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"natterd: a telnet chat server"};
    std::string config_path = "config/natter.toml";
    std::string check_path;
    std::string test_cert_dir;
    std::string restore_path;
    bool check_restart = false;
    std::optional<std::string> host;
    std::optional<std::uint16_t> port;
    app.add_option("--config", config_path, "configuration file (TOML)")->capture_default_str();
    app.add_option("--check-config", check_path, "validate a configuration file and exit");
    app.add_option("--make-test-cert", test_cert_dir,
                   "write a self-signed cert.pem and key.pem for localhost into DIR and exit");
    app.add_option("--host", host, "address to listen on (overrides [server] host)");
    app.add_option("--port", port, "port to listen on, 0 for any free one (overrides [server] port)");
    app.add_option("--restore", restore_path, "carry on from a hot restart's state file (used by reboot)");
    app.add_flag("--check-restart", check_restart,
                 "check the configuration and print the restart state version read, then exit (used by reboot)");
    app.set_version_flag("--version", "natterd " + natter::version_line(), "print the version and exit");
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {  // --help or --version: printed, exit 0
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return exit_bad_config;
    }

    if (!test_cert_dir.empty()) {
        auto written = natter::write_test_certificate(test_cert_dir);
        if (!written) {
            fmt::print(stderr, "natterd: {}\n", written.error().message);
            return 1;
        }
        fmt::print("wrote {} and {} (self-signed, for localhost; clients must be told to trust it)\n",
                   written->first.string(), written->second.string());
        return 0;
    }

    if (!check_path.empty()) {
        auto config = natter::load_config(check_path);
        if (!config) {
            fmt::print(stderr, "{}\n", config.error().message);
            return exit_bad_config;
        }
        // The certificate and key too: a pair that will not load is a bad configuration.
        if (auto tls = natter::TlsContext::for_config(*config, check_path); !tls) {
            fmt::print(stderr, "{}\n", tls.error().message);
            return exit_bad_config;
        }
        fmt::print("{}: ok\n", check_path);
        return 0;
    }

    // A hot restart's state first: it names the descriptors to keep.
    std::optional<natter::RestartState> restored;
    if (!restore_path.empty()) {
        auto state = take_restart_state(restore_path);
        if (!state) {
            // The connections cannot be rebuilt; they close as this process exits.
            fmt::print(stderr, "natterd: cannot restore {}: {}\n", restore_path, state.error().message);
            return 1;
        }
        close_unlisted_descriptors(*state);
        restored = std::move(*state);
    }

    auto config = natter::load_config(config_path);
    if (!config) {
        fmt::print(stderr, "{}\n", config.error().message);
        return exit_bad_config;
    }
    if (auto tls = natter::TlsContext::for_config(*config, config_path); !tls) {
        fmt::print(stderr, "natterd: {}\n", tls.error().message);
        return exit_bad_config;
    }
    if (check_restart) {
        // The running natterd asks this before it executes us.
        fmt::print("{}: ok; restart state version {}\n", config_path, natter::restart_state_version);
        return 0;
    }

    // A peer that vanishes mid-write must cost an error code, not the process.
    std::signal(SIGPIPE, SIG_IGN);
    // A busy loop iteration grows outboxes to hundreds of KiB and frees them
    // after the flush. By default glibc serves such blocks from fresh mmap()s
    // and trims the heap, so every iteration page-faulted its buffers in
    // again: in a perf profile of the fan-out benchmark, page faults and the
    // copies of growing buffers were two thirds of natterd's time. Keeping
    // freed memory in the heap reuses warm pages (3x the deliveries per
    // second); memory still goes back above the trim threshold.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    // Every client is a descriptor: use all the operator allows, not the
    // default soft limit of 1024.
    if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    natter::init_logging(config->log.level, config->log.format);

    natter::World world{std::move(*config)};
    // Before the loop runs, so waiting for the disk here delays no one.
    if (auto opened = world.accounts().open(world.config().accounts); !opened) {
        fmt::print(stderr, "natterd: {}\n", opened.error().message);
        // A PostgreSQL server that cannot be reached is the configuration's
        // to fix, like a bad key; a bad SQLite file keeps its old status.
        return world.config().accounts.postgres.empty() ? 1 : exit_bad_config;
    }
    // Rooms, history and who was seen, before the sessions come back.
    if (restored) world.restore_from(*restored);
    natter::net::Server server{world, config_path, {host, port}};
    server.set_restart_command(restart_command(argc, argv));
    if (auto started = server.start(restored ? &*restored : nullptr); !started) {
        fmt::print(stderr, "natterd: {}\n", started.error().message);
        return 1;
    }
    restored.reset();  // carried over by now: its copies of every session's state go
    return server.run();
}
