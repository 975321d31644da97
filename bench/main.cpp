// bench/main.cpp — natter_loadgen's command line: picks the scenario and
// target, raises the open-file limit, and checks that the run fits in it
// before any socket is opened.
#include "bench/fd_limit.hpp"
#include "bench/node_list.hpp"
#include "bench/run_options.hpp"
#include "bench/scenarios.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>

namespace {

using natter::bench::Proto;

// Adds --inflight to a subcommand with that scenario's default.
void add_inflight(CLI::App* sub, std::uint32_t& value, const char* what) {
    sub->add_option("--inflight", value, what)->check(CLI::PositiveNumber)->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
    namespace bench = natter::bench;
    CLI::App app{"natter_loadgen: load generator for natter (talker protocol, telnet or WebSocket) and IRC servers.\n"
                 "Loopback only. Prints one 'RESULT key=value ...' line and one '# ...' line per run.\n"
                 "Exit status: 0 ok, 1 error or degraded (lost lines/connections), 2 timeout."};
    app.require_subcommand(1, 1);
    app.fallthrough();

    bench::RunOptions run;
    std::string proto = "natter";
    app.add_option("--proto", proto,
                   "wire protocol of the target: natter (telnet lines), irc, or web (natter's WebSocket "
                   "at /ws of a kind = \"web\" listener: --port is that listener's)")
        ->check(CLI::IsMember({"natter", "irc", "web"}))
        ->capture_default_str();
    app.add_option("--host", run.host, "server address (127.0.0.0/8 only)")->capture_default_str();
    auto* port_opt = app.add_option("--port", run.port, "server port");
    std::string ports;
    auto* ports_opt = app.add_option("--ports", ports,
                                     "several servers (cluster nodes), P1,P2,...: client i connects to "
                                     "the (i mod count)-th, in every scenario");
    port_opt->excludes(ports_opt);
    ports_opt->excludes(port_opt);
    std::string server_pids;
    app.add_option("--server-pid", server_pids,
                   "server PID, for CPU and RSS figures from /proc; PID1,PID2,... sums them over "
                   "nodes (and reports each node's RSS)");
    app.add_option("--names", run.name_prefix,
                   "client names are PREFIX<id> (default: the scenario's letter); a cluster holds each name "
                   "once, so generators sharing one need different prefixes");
    app.add_option("--label", run.label, "target name written in the report (default: the protocol)");
    app.add_option("--channel", run.room, "IRC channel to use")->capture_default_str();
    app.add_option("--timeout", run.timeout_s, "abort the whole run after this many seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--login-timeout", run.login_timeout_s, "drop a client the server has not answered after this many seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    std::string clients_as = "plain";
    app.add_option("--clients-as", clients_as,
                   "natter only: plain; mixed (half plain, a quarter `client colour 256`, a quarter GMCP); "
                   "gmcp (IAC DO GMCP before login); mccp (GMCP + IAC DO MCCP2, inflated)")
        ->check(CLI::IsMember({"plain", "mixed", "gmcp", "mccp"}))
        ->capture_default_str();
    app.add_flag("--tls", run.tls,
                 "wrap every connection in TLS (OpenSSL client, certificate not verified; the handshake "
                 "counts as part of connecting), for a tls = true listener");
    app.add_option("--drain", run.drain_s, "stop waiting for missing lines after this many quiet seconds")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();

    // Logins in flight default to 8: a burst beyond the server's listen
    // backlog (ngircd's is 10) measures the kernel's SYN retry timers, not
    // the server.
    bench::FanoutOptions fanout;
    std::uint32_t fanout_inflight = 8;
    auto* fanout_cmd = app.add_subcommand("fanout", "N clients in one room each send M lines, window W");
    fanout_cmd->add_option("-n,--clients", fanout.clients, "clients (N)")->capture_default_str();
    fanout_cmd->add_option("-m,--lines", fanout.lines, "lines per client (M)")->capture_default_str();
    fanout_cmd->add_option("-w,--window", fanout.window, "max unacknowledged lines per client (W)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    add_inflight(fanout_cmd, fanout_inflight, "clients logging in at once");

    bench::RateOptions rate;
    std::uint32_t rate_inflight = 8;
    auto* rate_cmd = app.add_subcommand("rate", "N clients each send R lines/s for D seconds");
    rate_cmd->add_option("-n,--clients", rate.clients, "clients (N)")->capture_default_str();
    rate_cmd->add_option("-r,--rate", rate.rate, "lines per second per client (R)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    rate_cmd->add_option("-d,--duration", rate.duration_s, "seconds of sending (D)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    add_inflight(rate_cmd, rate_inflight, "clients logging in at once");

    bench::ConnsOptions conns;
    std::uint32_t conns_inflight = 8;
    auto* conns_cmd = app.add_subcommand("conns", "K logged-in connections held open");
    conns_cmd->add_option("-k,--conns", conns.conns, "connections (K)")->capture_default_str();
    conns_cmd->add_option("--hold", conns.hold_s, "seconds to hold them after the last login")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    conns_cmd->add_option("--max-failures", conns.max_failures, "stop opening after this many failures")
        ->capture_default_str();
    conns_cmd->add_option("--source-base", run.source_base, "first source address")
        ->default_str("127.0.0.2");
    conns_cmd->add_option("--per-source", run.per_source, "connections per source address")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    add_inflight(conns_cmd, conns_inflight, "connections in connect/login at once");

    bench::LoginsOptions logins;
    std::uint32_t logins_inflight = 1;
    auto* logins_cmd = app.add_subcommand("logins", "L clients log into one room, all notices delivered");
    logins_cmd->add_option("-l,--logins", logins.logins, "clients (L)")->capture_default_str();
    add_inflight(logins_cmd, logins_inflight, "logins in progress at once (1 = one after another)");

    bench::RebootOptions reboot;
    std::uint32_t reboot_inflight = 8;
    auto* reboot_cmd = app.add_subcommand(
        "reboot", "K clients, S chatting, while natterd (--server-pid) restarts in place on SIGUSR2");
    reboot_cmd->add_option("-k,--clients", reboot.clients, "clients in the room (K)")->capture_default_str();
    reboot_cmd->add_option("-n,--speakers", reboot.speakers, "speakers among them (S)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    reboot_cmd->add_option("-r,--rate", reboot.rate, "lines per second per speaker (R)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    reboot_cmd->add_option("-w,--warmup", reboot.warmup_s, "seconds of chat before the signal (W)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    reboot_cmd->add_option("-a,--after", reboot.after_s, "seconds of chat after the restart completed (A)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    reboot_cmd->add_option("--source-base", run.source_base, "first source address")
        ->default_str("127.0.0.2");
    reboot_cmd->add_option("--per-source", run.per_source, "connections per source address")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    add_inflight(reboot_cmd, reboot_inflight, "connections in connect/login at once");

    CLI11_PARSE(app, argc, argv);
    if (port_opt->count() == 0 && ports_opt->count() == 0) {
        std::cerr << "natter_loadgen: --port or --ports is required\n";
        return 1;
    }
    if (ports_opt->count() != 0) {
        const auto list = bench::parse_port_list(ports);
        if (!list) {
            std::cerr << "natter_loadgen: --ports wants P1,P2,... (ports 1-65535), got '" << ports << "'\n";
            return 1;
        }
        run.ports = *list;
        run.port = run.ports.front();
    }
    if (!server_pids.empty()) {
        const auto list = bench::parse_pid_list(server_pids);
        if (!list) {
            std::cerr << "natter_loadgen: --server-pid wants PID or PID1,PID2,..., got '" << server_pids << "'\n";
            return 1;
        }
        run.server_pids = *list;
    }
    run.proto = proto == "irc" ? Proto::irc : proto == "web" ? Proto::web : Proto::natter;
    run.mix = bench::parse_client_mix(clients_as).value_or(bench::ClientMix::plain);
    if (run.proto != Proto::natter && run.mix != bench::ClientMix::plain) {
        std::cerr << "natter_loadgen: --clients-as " << clients_as << " needs --proto natter\n";
        return 1;
    }
    std::signal(SIGPIPE, SIG_IGN);

    const std::uint64_t fd_limit = bench::raise_fd_limit();
    const auto check_fds = [&](std::uint32_t clients) {
        if (std::uint64_t{clients} + bench::reserved_fds > fd_limit) {
            std::cerr << "natter_loadgen: refusing " << clients << " clients: the open-file limit is "
                      << fd_limit << " (hard limit; " << bench::reserved_fds << " kept in reserve)\n";
            return false;
        }
        return true;
    };

    try {
        if (fanout_cmd->parsed()) {
            run.inflight = fanout_inflight;
            return check_fds(fanout.clients) ? bench::run_fanout(run, fanout) : 1;
        }
        if (rate_cmd->parsed()) {
            run.inflight = rate_inflight;
            return check_fds(rate.clients) ? bench::run_rate(run, rate) : 1;
        }
        if (conns_cmd->parsed()) {
            run.inflight = conns_inflight;
            return check_fds(conns.conns) ? bench::run_conns(run, conns) : 1;
        }
        if (reboot_cmd->parsed()) {
            run.inflight = reboot_inflight;
            return check_fds(reboot.clients) ? bench::run_reboot(run, reboot) : 1;
        }
        run.inflight = logins_inflight;
        return check_fds(logins.logins) ? bench::run_logins(run, logins) : 1;
    } catch (const std::exception& e) {
        std::cerr << "natter_loadgen: " << e.what() << '\n';
        return 1;
    }
}
