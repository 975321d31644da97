// natterd: parse the command line and the configuration, then run the server.
#include <malloc.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "src/accounts.hpp"
#include "src/config.hpp"
#include "src/log.hpp"
#include "src/net/server.hpp"
#include "src/version.hpp"
#include "src/world.hpp"

namespace {

constexpr int exit_bad_config = 2;

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"natterd: a telnet chat server"};
    std::string config_path = "config/natter.toml";
    std::string check_path;
    std::optional<std::string> host;
    std::optional<std::uint16_t> port;
    app.add_option("--config", config_path, "configuration file (TOML)")->capture_default_str();
    app.add_option("--check-config", check_path, "validate a configuration file and exit");
    app.add_option("--host", host, "address to listen on (overrides [server] host)");
    app.add_option("--port", port, "port to listen on, 0 for any free one (overrides [server] port)");
    app.set_version_flag("--version", "natterd " + natter::version_line(), "print the version and exit");
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {  // --help or --version: printed, exit 0
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return exit_bad_config;
    }

    if (!check_path.empty()) {
        if (auto config = natter::load_config(check_path); !config) {
            fmt::print(stderr, "{}\n", config.error().message);
            return exit_bad_config;
        }
        fmt::print("{}: ok\n", check_path);
        return 0;
    }

    auto config = natter::load_config(config_path);
    if (!config) {
        fmt::print(stderr, "{}\n", config.error().message);
        return exit_bad_config;
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
    if (auto opened = world.accounts().open(world.config().accounts.database); !opened) {
        fmt::print(stderr, "natterd: {}\n", opened.error().message);
        return 1;
    }
    natter::net::Server server{world, config_path, {host, port}};
    if (auto started = server.start(); !started) {
        fmt::print(stderr, "natterd: {}\n", started.error().message);
        return 1;
    }
    return server.run();
}
