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
#include "src/test_certificate.hpp"
#include "src/tls_context.hpp"
#include "src/version.hpp"
#include "src/world.hpp"

namespace {

constexpr int exit_bad_config = 2;

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"natterd: a telnet chat server"};
    std::string config_path = "config/natter.toml";
    std::string check_path;
    std::string test_cert_dir;
    std::optional<std::string> host;
    std::optional<std::uint16_t> port;
    app.add_option("--config", config_path, "configuration file (TOML)")->capture_default_str();
    app.add_option("--check-config", check_path, "validate a configuration file and exit");
    app.add_option("--make-test-cert", test_cert_dir,
                   "write a self-signed cert.pem and key.pem for localhost into DIR and exit");
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

    auto config = natter::load_config(config_path);
    if (!config) {
        fmt::print(stderr, "{}\n", config.error().message);
        return exit_bad_config;
    }
    if (auto tls = natter::TlsContext::for_config(*config, config_path); !tls) {
        fmt::print(stderr, "natterd: {}\n", tls.error().message);
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
