// bench/run_options.hpp — the settings every scenario shares (which server,
// which dialect, time bounds) and each scenario's own knobs, filled in by
// main.cpp from the command line. Plain data.
#pragma once

#include "bench/client_mix.hpp"
#include "bench/dialect.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace natter::bench {

struct RunOptions {
    Proto proto = Proto::natter;
    std::string host = "127.0.0.1";
    std::uint16_t port = 5005;
    // Several servers (cluster nodes): client id i connects to
    // ports[i % size] (node_list.hpp); empty: every client to `port`.
    std::vector<std::uint16_t> ports;
    // Server processes whose CPU and RSS are summed into the figures; more
    // than one also reports each node's RSS. Empty: no CPU/RSS figures.
    std::vector<int> server_pids;
    std::string label;             // target name in the report; default: proto
    std::string name_prefix;       // clients are <prefix><id>; empty: the scenario's own letter
    std::string room = "#bench";   // IRC channel
    double timeout_s = 300;        // whole run; exceeded = status=timeout, exit 2
    double drain_s = 5;            // give up on missing lines after this long without progress
    std::uint32_t inflight = 8;     // clients in connect/login at once
    double login_timeout_s = 10;   // a client the server has not answered by then is dropped
    std::string source_base;       // conns: first source address (e.g. 127.0.0.2)
    std::uint32_t per_source = 1000;
    ClientMix mix = ClientMix::plain;  // which kind of client each id plays (natter only)
    bool tls = false;              // every connection over TLS, certificate not verified
};

struct FanoutOptions {
    std::uint32_t clients = 100;
    std::uint32_t lines = 1000;
    std::uint32_t window = 32;
};

struct RateOptions {
    std::uint32_t clients = 100;
    double rate = 10;          // lines per second per client
    double duration_s = 10;
};

struct ConnsOptions {
    std::uint32_t conns = 1000;
    double hold_s = 2;
    std::uint32_t max_failures = 100;  // stop opening after this many failed logins
};

struct LoginsOptions {
    std::uint32_t logins = 1000;
};

struct RebootOptions {
    std::uint32_t clients = 5000;  // K, all in the first room
    std::uint32_t speakers = 4;    // S of the K, saying numbered lines throughout
    double rate = 10;              // lines per second per speaker
    double warmup_s = 2;           // steady chat before SIGUSR2
    double after_s = 3;            // chat after every client saw the restart complete
};

}  // namespace natter::bench
