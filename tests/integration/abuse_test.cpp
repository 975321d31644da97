// Hostile and unlucky clients: slow readers, floods, idle and silent connections, running out of file
// descriptors, and a thousand clients vanishing at once. Every loop here is
// bounded in count and time.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/support/chat_client.hpp"
#include "tests/support/process_stats.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;
using namespace std::chrono_literals;

TEST_CASE("Output limit: a client that stops reading is dropped and never holds up a reading client") {
    ServerProcess server{{.limits = "flood_per_second = 0\noutput_buffer_bytes = 1048576\n"}};
    auto reader = login_client(server.port(), "Reader");
    auto sleeper = login_client(server.port(), "Sleeper");  // never reads again
    constexpr int senders = 10;
    constexpr int lines_each = 2000;
    const std::string payload(1000, 'x');  // 10 x 2000 x ~1 KB = 20 MB in all

    std::vector<TcpClient> talkers;
    for (int i = 0; i < senders; ++i) talkers.push_back(login_client(server.port(), "T" + std::to_string(i)));

    // Each talker drains its own copy of the room's traffic in one thread
    // (as a live client would) while another writes its lines. TcpClient's
    // send touches only the socket, so the two threads do not share state.
    std::atomic<bool> done{false};
    std::vector<std::jthread> threads;
    for (int i = 0; i < senders; ++i) {
        auto& me = talkers[static_cast<std::size_t>(i)];
        threads.emplace_back([&me, &done] {
            while (!done && !me.peer_closed()) me.read_raw(20ms);
        });
        threads.emplace_back([&me, &payload] {
            for (int n = 0; n < lines_each; n += 50) {
                std::string batch;
                for (int k = n; k < n + 50; ++k) batch += "say " + std::to_string(k) + " " + payload + "\r\n";
                if (!me.send(batch, 10000ms)) return;
            }
        });
    }

    // The reader must see every line of every sender, each sender in order.
    std::vector<int> next(senders, 0);
    long peak_rss = 0;
    int received = 0;
    bool sleeper_left = false;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (received < senders * lines_each && std::chrono::steady_clock::now() < deadline) {
        const auto line = reader.read_line(5000ms);
        if (!line) break;
        if (*line == "Sleeper has left the room.") sleeper_left = true;
        if (line->size() < 3 || (*line)[0] != 'T' || line->find(": ") == std::string::npos) continue;
        const int who = std::stoi(line->substr(1, line->find(':') - 1));
        const int seq = std::stoi(line->substr(line->find(": ") + 2));
        REQUIRE(seq == next[static_cast<std::size_t>(who)]);
        ++next[static_cast<std::size_t>(who)];
        ++received;
        if (received % 2000 == 0) peak_rss = std::max(peak_rss, rss_kib(server.pid()));
    }
    done = true;
    threads.clear();
    const auto log = server.stdout_text();
    INFO("server log ends: " << log.substr(log.size() > 1500 ? log.size() - 1500 : 0));
    CHECK(received == senders * lines_each);
    MESSAGE("server peak RSS during the slow-reader test: " << peak_rss << " KiB");

    // The sleeper was dropped for its unread output; the room was told.
    CHECK(server.wait_for_log("Sleeper (output buffer full)", 5000ms));
    CHECK((sleeper_left ||
           reader.read_until([](std::string_view l) { return l == "Sleeper has left the room."; }, 5000ms)));
}

TEST_CASE("Flood control: a flood gets one warning and the room sees at most the allowed lines") {
    ServerProcess server{{.limits = "flood_burst = 5\nflood_per_second = 1\n"}};
    auto watcher = login_client(server.port(), "Watcher");
    auto flooder = login_client(server.port(), "Flooder");
    REQUIRE(watcher.read_until([](std::string_view l) { return l == "Flooder has entered the room."; }));

    std::string flood;
    for (int i = 0; i < 10000; ++i) flood += "say flood " + std::to_string(i) + "\r\n";
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(flooder.send(flood, 10000ms));

    int seen = 0;
    while (auto line = watcher.read_line(1500ms)) {
        if (line->starts_with("Flooder: flood ")) ++seen;
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
    // Five at once (less the two lines logging in took), then one a second
    // (rounded up for the time the test took).
    CHECK(seen >= 3);
    CHECK(seen <= 5 + elapsed.count() + 2);

    int warnings = 0;
    while (auto line = flooder.read_line(500ms)) {
        if (line->find("too fast") != std::string::npos) ++warnings;
    }
    CHECK(warnings == 1);
}

TEST_CASE("Timeouts: a connection that never logs in is closed after login_timeout_s") {
    ServerProcess server{{.limits = "flood_per_second = 0\nlogin_timeout_s = 1\n"}};
    TcpClient silent{server.port()};
    REQUIRE(silent.expect_line("Welcome to TestChat"));
    const auto line = silent.read_line(4000ms);
    REQUIRE(line);
    CHECK(line->find("log in") != std::string::npos);
    CHECK(silent.wait_closed(2000ms));
    CHECK(server.wait_for_log("(login timeout)"));
}

TEST_CASE("Timeouts: an idle user is warned, then disconnected; the room is told") {
    ServerProcess server{{.limits = "flood_per_second = 0\nidle_timeout_s = 3\n"}};
    auto idler = login_client(server.port(), "Idler");
    auto active = login_client(server.port(), "Active");
    const auto warning = idler.read_until([](std::string_view l) { return l.find("idle") != std::string_view::npos; },
                                          4000ms);
    REQUIRE(warning);
    CHECK(warning->find("disconnected") != std::string::npos);
    // Active keeps typing, so only Idler goes.
    bool told = false;
    for (int i = 0; i < 12 && !told; ++i) {
        REQUIRE(active.send_line("say still here"));
        told = active.read_until([](std::string_view l) { return l == "Idler has left the room."; }, 500ms)
                   .has_value();
    }
    CHECK(told);
    CHECK(idler.wait_closed(2000ms));
    REQUIRE(active.send_line("look"));
    CHECK(active.read_until([](std::string_view l) { return l == "Active"; }));
}

TEST_CASE("Descriptors: out of file descriptors the server neither spins nor stops listening") {
    ServerProcess server{{.limits = "flood_per_second = 0\nmax_per_address = 0\n",
                          .launcher = {"prlimit", "--nofile=32:32", "--"}}};
    std::vector<TcpClient> clients;
    // Connecting succeeds in the kernel's backlog even when natterd cannot
    // accept, so open more than it can hold.
    for (int i = 0; i < 60; ++i) clients.emplace_back(server.port());
    CHECK(server.wait_for_log("out of file descriptors", 5000ms));

    // Saturated, it must idle rather than spin: measure one second of CPU.
    const long before = cpu_ticks(server.pid());
    for (int i = 0; i < 20; ++i) clients.emplace_back(server.port());  // keep the pressure on
    std::this_thread::sleep_for(1000ms);
    const long used = cpu_ticks(server.pid()) - before;
    MESSAGE("server CPU during one second of EMFILE back-off: " << used << " ticks of " << sysconf(_SC_CLK_TCK));
    CHECK(used < sysconf(_SC_CLK_TCK) / 2);

    // Logged once for the whole episode, not per refused attempt.
    const auto log = server.stdout_text();
    std::size_t mentions = 0;
    for (auto at = log.find("out of file descriptors"); at != std::string::npos;
         at = log.find("out of file descriptors", at + 1)) {
        ++mentions;
    }
    CHECK(mentions == 1);

    // When descriptors free up, new connections are served again.
    clients.clear();
    std::optional<std::string> welcome;
    for (int attempt = 0; attempt < 20 && !welcome; ++attempt) {
        TcpClient fresh{server.port()};
        welcome = fresh.read_until([](std::string_view l) { return l == "Welcome to TestChat"; }, 500ms);
    }
    CHECK(welcome);
}

TEST_CASE("Mass disconnect: a thousand clients vanishing with output queued leave the server serving") {
    raise_descriptor_limit();
    ServerProcess server{{.limits = "flood_per_second = 0\nmax_per_address = 0\n",
                          .extra_tables = "[rooms]\nannounce_max_members = 100000\n"}};
    constexpr int crowd_size = 1000;
    std::vector<TcpClient> crowd;
    crowd.reserve(crowd_size);
    for (int i = 0; i < crowd_size; ++i) {
        crowd.emplace_back(server.port());
        REQUIRE(crowd.back().send_line("login U" + std::to_string(i)));
    }
    auto speaker = login_client(server.port(), "Speaker");
    // Output queued for everyone: nobody in the crowd reads any of it.
    std::string lines;
    for (int i = 0; i < 200; ++i) lines += "say queued line " + std::to_string(i) + "\r\n";
    REQUIRE(speaker.send(lines));
    REQUIRE(speaker.read_until([](std::string_view l) { return l == "Speaker: queued line 199"; }, 10000ms));

    for (auto& client : crowd) client.reset();
    crowd.clear();

    // Still serving: a newcomer logs in and is heard, and the speaker saw
    // the crowd go.
    auto newcomer = login_client(server.port(), "Newcomer");
    REQUIRE(newcomer.send_line("say still alive"));
    CHECK(newcomer.read_until([](std::string_view l) { return l == "Newcomer: still alive"; }, 10000ms));
    CHECK(speaker.read_until([](std::string_view l) { return l == "Newcomer: still alive"; }, 10000ms));
    REQUIRE(newcomer.send_line("who"));
    REQUIRE(newcomer.read_until([](std::string_view l) { return l == "The following are logged in:"; }));
    std::vector<std::string> names;
    while (auto line = newcomer.read_line(500ms)) names.push_back(*line);
    CHECK(names.size() == 2);
    CHECK(server.terminate() == 0);
}

TEST_CASE("Mass fan-out: a burst to a thousand clients in one loop iteration reaches each whole and in order") {
    // 600 says read in one go, each to 1001 members: about 60 MB of output
    // made in one loop iteration, so it is sent mid-iteration, several times
    // over (World::early_flush_total_bytes), between one broadcast and the next.
    raise_descriptor_limit();
    ServerProcess server{{.limits = "flood_per_second = 0\nmax_per_address = 0\n"}};
    constexpr int crowd_size = 1000;
    constexpr int burst_lines = 600;
    std::vector<TcpClient> crowd;
    crowd.reserve(crowd_size);
    for (int i = 0; i < crowd_size; ++i) crowd.push_back(login_client(server.port(), "U" + std::to_string(i)));
    auto speaker = login_client(server.port(), "Speaker");
    const auto line_text = [](int i) {
        char number[16];
        std::snprintf(number, sizeof number, "%04d", i);
        return "burst-" + std::string{number} + " " + std::string(80, 'x');
    };
    std::string burst;
    for (int i = 0; i < burst_lines; ++i) burst += "say " + line_text(i) + "\r\n";
    const long rss_before = rss_kib(server.pid());
    REQUIRE(speaker.send(burst));
    REQUIRE(speaker.read_until([&](std::string_view l) { return l == "Speaker: " + line_text(burst_lines - 1); },
                               10000ms));
    MESSAGE("server RSS before the burst " << rss_before << " KiB, after " << rss_kib(server.pid()) << " KiB");

    int incomplete = 0;
    for (auto& client : crowd) {
        // Entered notices of later logins come first; then the burst, whole.
        bool whole = client.read_until([&](std::string_view l) { return l == "Speaker: " + line_text(0); }, 10000ms)
                         .has_value();
        for (int i = 1; whole && i < burst_lines; ++i) whole = static_cast<bool>(client.expect_line("Speaker: " + line_text(i)));
        if (!whole && ++incomplete == 1) FAIL_CHECK("a client missed part of the burst");
    }
    CHECK(incomplete == 0);
    CHECK(server.terminate() == 0);
}
