// Process behaviour (SPEC §5): SIGTERM/SIGINT tell everyone, close and exit
// 0; the log on stdout records connections, logins, chat and disconnects.
#include <doctest/doctest.h>

#include <csignal>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

namespace {

bool contains(std::string_view text, std::string_view needle) {
    return text.find(needle) != std::string_view::npos;
}

std::string lowercase(std::string text) {
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return text;
}

// Each client: a "shutting down" line (whatever came before), then EOF.
void check_told_and_closed(std::vector<TcpClient*> clients) {
    for (TcpClient* client : clients) {
        const auto notice = client->read_until(
            [](std::string_view l) { return contains(l, "shutting down"); });
        CHECK(notice);
        CHECK(client->wait_closed());
    }
}

}  // namespace

TEST_CASE("Shutdown: SIGTERM tells every client, closes them and exits 0") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    TcpClient guest{server.port()};  // still in the LoginRoom
    REQUIRE(guest.expect_line("Welcome to TestChat"));

    server.signal(SIGTERM);
    check_told_and_closed({&alice, &bob, &guest});
    CHECK(server.wait_exit(Millis{5000}) == 0);
}

TEST_CASE("Shutdown: SIGINT does the same as SIGTERM") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    server.signal(SIGINT);
    check_told_and_closed({&alice});
    CHECK(server.wait_exit(Millis{5000}) == 0);
}

TEST_CASE("Shutdown: the log records connections, logins, chat lines and disconnects") {
    ServerProcess server;
    {
        TcpClient alice = login_client(server.port(), "alice");
        REQUIRE(alice.send_line("say log-me-please"));
        REQUIRE(alice.expect_line("alice: log-me-please"));
        REQUIRE(alice.send_line("logout"));
        REQUIRE(alice.wait_closed());
    }
    TcpClient bob = login_client(server.port(), "bob");
    CHECK(server.wait_for_log("log-me-please"));
    REQUIRE(server.terminate() == 0);

    const std::string log = server.stdout_text();
    CAPTURE(log);
    std::vector<std::string> lines;
    std::istringstream in{log};
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    REQUIRE_FALSE(lines.empty());

    // The text format, in UTC: [2026-11-22T12:00:00.123Z] [info] ...
    const std::regex stamped{R"(^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] \[\w+\] .*)"};
    for (const auto& line : lines) {
        CAPTURE(line);
        CHECK(std::regex_match(line, stamped));
    }
    auto count = [&](auto&& predicate) {
        int n = 0;
        for (const auto& line : lines) n += predicate(line) ? 1 : 0;
        return n;
    };
    // Two connections, with their address (the listening line names it too).
    CHECK(count([](const std::string& l) { return contains(l, "127.0.0.1") && !contains(l, "listening on"); }) >= 2);
    CHECK(count([](const std::string& l) { return contains(l, "alice"); }) >= 1);
    CHECK(count([](const std::string& l) { return contains(l, "bob"); }) >= 1);
    CHECK(count([](const std::string& l) { return contains(l, "log-me-please"); }) == 1);
    // Wording is free; "disconnect" is what the contract describes.
    CHECK(count([](const std::string& l) { return contains(lowercase(l), "disconnect"); }) >= 1);
}
