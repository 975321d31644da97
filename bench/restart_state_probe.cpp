// bench/restart_state_probe.cpp — what the hot-restart state file costs:
// builds --connections typical connections (logged-in telnet and MUD
// sessions with a client profile, some mid-line or with output queued, one
// in ten a WebSocket), then times write_restart_state and
// read_restart_state over --rounds rounds and prints the best and median
// wall-clock times, the best CPU time (the figure to trust on a busy
// machine) and the file's size. Exits 1 if what is read back differs.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "src/restart_state.hpp"

namespace {

using Clock = std::chrono::steady_clock;

natter::ConnectionSnapshot typical_connection(int i) {
    using natter::ListenerKind;
    natter::ConnectionSnapshot c;
    c.fd = 100 + i;
    const bool web = i % 10 == 0;
    const bool mud = !web && i % 3 == 0;
    c.listener = web ? 2 : mud ? 1 : 0;

    natter::SessionSnapshot s;
    s.address = fmt::format("10.{}.{}.{}", (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF);
    s.kind = web ? ListenerKind::web : mud ? ListenerKind::mud : ListenerKind::telnet;
    s.name = fmt::format("user{:05}", i);
    s.room = i % 4 == 0 ? "lounge" : fmt::format("room{}", i % 50);
    s.authenticated = i % 2 == 0;
    s.connected_at_ns = 1'000'000'000'000 + i;
    s.last_input_ns = 2'000'000'000'000 + i;
    if (i % 5 == 0) s.reply_to = fmt::format("user{:05}", i + 1);
    if (i % 7 == 0) s.ignored = {fmt::format("user{:05}", i + 2), fmt::format("user{:05}", i + 3)};
    if (i % 6 == 0) {
        s.has_info = true;
        s.description = "a regular here, usually found by the window";
    }
    if (mud || web) {
        s.has_profile = true;
        s.profile.terminal_types = {"MUDLET", "ANSI-TRUECOLOR", "MTTS 2825"};
        s.profile.mtts = 2825;
        s.profile.width = 120;
        s.profile.height = 40;
        s.profile.charset = 1;
        s.profile.client_name = "Mudlet";
        s.profile.client_version = "4.17.2";
        s.profile.env_colour = 3;
        s.profile.gmcp_packages = {{"char", 1}, {"room", 1}, {"comm.channel", 1}, {"core", 1}};
        s.profile.gmcp = s.profile.eor = s.profile.sga = s.profile.mud_client = s.profile.naws = true;
        s.profile.ttype = 3;
        s.profile.ttype_rounds = 3;
        s.profile.settings = "width=120 colour=truecolor";
        s.telnet.options = {{1, 3, 0}, {3, 3, 3}, {24, 0, 3}, {25, 3, 0}, {31, 0, 3}, {39, 0, 3}, {42, 3, 0}, {201, 3, 3}};
    } else {
        s.telnet.options = {{3, 3, 3}, {31, 0, 3}};
    }
    if (i % 8 == 0) s.framer.partial = "say I was just about to";
    s.flood.tokens = 4.5;
    s.flood.refilled_ns = 3'000'000'000'000 + i;
    if (i % 20 == 0) s.outbox = "bob says: the restart is coming\r\n";
    c.session = std::move(s);

    if (web) {
        natter::WebSnapshot w;
        w.peer_address = c.session->address;
        w.opened_ns = 1'000'000'000'000 + i;
        w.last_ping_ns = 1'500'000'000'000 + i;
        c.web = std::move(w);
    }
    return c;
}

natter::RestartState typical_state(int connections) {
    natter::RestartState state;
    state.started_unix_ms = 1'700'000'000'000;
    state.listeners = {{.fd = 3, .kind = natter::ListenerKind::telnet, .tls = false, .host = "0.0.0.0", .configured_port = 4000, .port = 4000},
                       {.fd = 4, .kind = natter::ListenerKind::mud, .tls = false, .host = "0.0.0.0", .configured_port = 4001, .port = 4001},
                       {.fd = 5, .kind = natter::ListenerKind::web, .tls = false, .host = "0.0.0.0", .configured_port = 8080, .port = 8080}};
    for (int r = 0; r < 50; ++r) {
        natter::RoomSnapshot room;
        room.name = r == 0 ? "lounge" : fmt::format("room{}", r);
        room.topic = "talk about anything";
        for (int h = 0; h < 20; ++h) {
            room.history.push_back({.when_unix_ms = 1'700'000'000'000 + h, .kind = 0, .speaker = fmt::format("user{:05}", h), .text = "a line of chat of a typical length, said a while ago"});
        }
        state.rooms.push_back(std::move(room));
    }
    state.connections.reserve(static_cast<std::size_t>(connections));
    for (int i = 0; i < connections; ++i) state.connections.push_back(typical_connection(i));
    return state;
}

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The process's CPU time in ms.
double cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Times writing and reading natterd's hot-restart state file."};
    int connections = 20'000;
    int rounds = 5;
    app.add_option("--connections", connections, "connections in the state")->check(CLI::Range(0, 1'000'000));
    app.add_option("--rounds", rounds, "times to write and read it")->check(CLI::Range(1, 100));
    CLI11_PARSE(app, argc, argv);

    const natter::RestartState state = typical_state(connections);
    std::vector<double> writes;
    std::vector<double> reads;
    std::vector<double> write_cpu;
    std::vector<double> read_cpu;
    std::size_t bytes = 0;
    for (int round = 0; round < rounds; ++round) {
        auto start = Clock::now();
        auto cpu_start = cpu_ms();
        const std::string text = natter::write_restart_state(state);
        writes.push_back(ms_since(start));
        write_cpu.push_back(cpu_ms() - cpu_start);
        bytes = text.size();

        start = Clock::now();
        cpu_start = cpu_ms();
        const auto back = natter::read_restart_state(text);
        reads.push_back(ms_since(start));
        read_cpu.push_back(cpu_ms() - cpu_start);
        if (!back) {
            std::fprintf(stderr, "read failed: %s\n", back.error().message.c_str());
            return 1;
        }
        if (*back != state) {
            std::fprintf(stderr, "what was read back differs from what was written\n");
            return 1;
        }
    }
    std::ranges::sort(writes);
    std::ranges::sort(reads);
    std::ranges::sort(write_cpu);
    std::ranges::sort(read_cpu);
    const auto median = [](const std::vector<double>& v) { return v[v.size() / 2]; };
    std::printf("connections %d, rounds %d\n", connections, rounds);
    std::printf("write: best %.1f ms, median %.1f ms, CPU best %.1f ms\n", writes.front(), median(writes),
                write_cpu.front());
    std::printf("read:  best %.1f ms, median %.1f ms, CPU best %.1f ms\n", reads.front(), median(reads),
                read_cpu.front());
    std::printf("size:  %zu bytes (%.2f MB, %.0f bytes per connection)\n", bytes, static_cast<double>(bytes) / 1e6,
                connections > 0 ? static_cast<double>(bytes) / connections : 0.0);
    return 0;
}
