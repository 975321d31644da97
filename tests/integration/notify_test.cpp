// natterd under a service manager (systemd Type=notify): the test holds the
// notify socket itself and checks READY once listening, RELOADING then READY
// around each SIGHUP reload (a failed one too), STOPPING at shutdown, and the
// watchdog pings when WATCHDOG_USEC asks for them.
#include <doctest/doctest.h>

#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/chat_client.hpp"
#include "tests/support/notify_socket.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

namespace {

constexpr Millis nothing_comes{300};

std::vector<std::string> fields(const std::optional<std::string>& message) {
    return message ? notify_fields(*message) : std::vector<std::string>{"(no message)"};
}

}  // namespace

TEST_CASE("Notify: READY once listening, RELOADING and READY around a reload, STOPPING at shutdown") {
    NotifySocket manager;
    ServerOptions options;
    options.launcher = {"env", "-u", "WATCHDOG_USEC", "-u", "WATCHDOG_PID", "NOTIFY_SOCKET=" + manager.address()};
    ServerProcess server{options};

    CHECK(fields(manager.receive()) ==
          std::vector<std::string>{"READY=1", "STATUS=listening on 127.0.0.1:" + std::to_string(server.port())});
    TcpClient amy = login_client(server.port(), "amy");

    // A good reload.
    options.server_extra = "motd = \"reloaded\"\n";
    server.dir().write_file("natter.toml", test_config(options, server.dir().path()));
    server.signal(SIGHUP);
    const auto reloading = fields(manager.receive());
    REQUIRE(reloading.size() == 2);
    CHECK(reloading[0] == "RELOADING=1");
    CHECK(reloading[1].starts_with("MONOTONIC_USEC="));
    CHECK(manager.receive() == "READY=1");
    CHECK(server.wait_for_log("configuration reloaded"));
    TcpClient newcomer{server.port()};
    CHECK(newcomer.expect_line("Welcome to TestChat"));
    CHECK(newcomer.expect_line("reloaded"));

    // A bad reload keeps the old configuration, and the manager still hears
    // that the reload is over.
    server.dir().write_file("natter.toml", "[server]\nno_such_key = 1\n");
    server.signal(SIGHUP);
    CHECK(fields(manager.receive()).front() == "RELOADING=1");
    CHECK(manager.receive() == "READY=1");
    CHECK(server.wait_for_log("reload failed"));
    amy.send_line("say still here");
    CHECK(amy.expect_line("amy: still here"));

    // Past a tick of the loop: without WATCHDOG_USEC there is no ping.
    std::this_thread::sleep_for(Millis{1500});
    CHECK_FALSE(manager.receive(nothing_comes));

    CHECK(server.terminate() == 0);
    CHECK(manager.receive() == "STOPPING=1");
    CHECK_FALSE(manager.receive(nothing_comes));
}

TEST_CASE("Notify: with WATCHDOG_USEC set natterd pings WATCHDOG=1 from its loop") {
    NotifySocket manager;
    // Two seconds: the shortest interval a once-a-second tick pings twice in.
    ServerProcess server{{.launcher = {"env", "-u", "WATCHDOG_PID", "WATCHDOG_USEC=2000000",
                                       "NOTIFY_SOCKET=" + manager.address()}}};
    CHECK(has_notify_field(manager.receive().value_or(""), "READY=1"));
    // Two pings within two intervals; each ping is a message of its own.
    int pings = 0;
    for (int i = 0; i < 2; ++i) {
        const auto message = manager.receive(Millis{2000});
        CAPTURE(message.value_or("(none)"));
        if (message == "WATCHDOG=1") ++pings;
    }
    CHECK(pings == 2);
    CHECK(server.terminate() == 0);
}

TEST_CASE("Notify: a hot restart is a reload to the service manager: RELOADING, then READY from the new image") {
    NotifySocket manager;
    ServerOptions options;
    options.launcher = {"env", "-u", "WATCHDOG_USEC", "-u", "WATCHDOG_PID", "NOTIFY_SOCKET=" + manager.address()};
    ServerProcess server{options};
    CHECK(fields(manager.receive()).front() == "READY=1");
    TcpClient amy = login_client(server.port(), "amy");

    server.signal(SIGUSR2);
    const auto reloading = fields(manager.receive(Millis{15000}));
    CHECK(reloading.front() == "RELOADING=1");
    CHECK(fields(manager.receive(Millis{15000})) ==
          std::vector<std::string>{"READY=1", "STATUS=listening on 127.0.0.1:" + std::to_string(server.port())});
    CHECK(amy.read_until([](std::string_view l) { return l == "*** Restart complete."; }, Millis{15000}));
}
