// A stranger cannot take natterd down with telnet: storms of commands and
// subnegotiations of every kind, 64 KiB in one write before any login,
// oversized subnegotiations and a client that starts compressing its input.
// Each test proves the server still serves everyone afterwards.
#include <signal.h>

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;
using namespace std::chrono_literals;

namespace {

std::string bytes(std::initializer_list<unsigned char> list) { return {list.begin(), list.end()}; }

std::string sb(unsigned char option, std::string_view payload) {
    return bytes({255, 250, option}) + std::string{payload} + bytes({255, 240});
}

std::string repeat_to(std::string_view piece, std::size_t total) {
    std::string out;
    while (out.size() + piece.size() <= total) out.append(piece);
    return out;
}

// The watcher sees `name` arrive and is heard by the others: the server is
// serving everyone.
void check_serving(TcpClient& watcher, std::string_view name) {
    REQUIRE(watcher.read_until([&](std::string_view l) { return l == std::string{name} + " has entered the room."; },
                               5000ms));
    REQUIRE(watcher.send_line("say still serving"));
    REQUIRE(watcher.read_until([](std::string_view l) { return l == "Watcher: still serving"; }, 5000ms));
}

struct Storm {
    const char* name;
    std::string piece;
};

}  // namespace

TEST_CASE("Hostile telnet: 64 KiB storms of every kind in one write, before login, cost nobody anything") {
    ServerProcess server;
    auto watcher = login_client(server.port(), "Watcher");
    const std::vector<Storm> storms{
        {"NEW-ENVIRON", sb(39, bytes({0, 0}) + "VAR")},
        {"ENVIRON", sb(36, bytes({0, 0}) + "VAR")},
        {"TTYPE IS", sb(24, bytes({0}) + "xterm-256color")},
        {"NAWS", sb(31, bytes({0, 80, 0, 24}))},
        {"GMCP", sb(201, "Core.Hello {\"client\":\"storm\",\"version\":\"1\"}")},
        {"NOP", bytes({255, 241})},
        {"DO/DONT ECHO", bytes({255, 253, 1, 255, 254, 1})},
        {"WILL/WONT unknown", bytes({255, 251, 123, 255, 252, 123})},
        {"empty SB", bytes({255, 250, 99, 255, 240})},
    };
    int n = 0;
    for (const auto& storm : storms) {
        CAPTURE(storm.name);
        const std::string name = "Storm" + std::to_string(n++);
        TcpClient stormer{server.port()};
        REQUIRE(stormer.expect_line("Welcome to TestChat"));
        // The storm and the login in one write.
        REQUIRE(stormer.send(repeat_to(storm.piece, 64 * 1024) + "login " + name + "\r\nlook\r\n", 10000ms));
        // The sender keeps its connection and is logged in.
        CHECK(stormer.read_until([&](std::string_view l) { return l == name; }, 10000ms));
        check_serving(watcher, name);
        CHECK_FALSE(stormer.peer_closed());
    }
    CHECK(server.stdout_text().find("oversized") == std::string::npos);
}

TEST_CASE("Hostile telnet: the NEW-ENVIRON flood that overflowed libtelnet's stack is survived at any size") {
    ServerProcess server;
    auto watcher = login_client(server.port(), "Watcher");
    int n = 0;
    for (const std::size_t count : {6000UL, 7000UL, 8000UL, 60000UL}) {
        CAPTURE(count);
        const std::string name = "Zed" + std::to_string(n++);
        TcpClient zed{server.port()};
        REQUIRE(zed.expect_line("Welcome to TestChat"));
        std::string flood;
        for (std::size_t i = 0; i < count; ++i) flood += sb(39, bytes({0, 0}) + "VAR");
        REQUIRE(zed.send(flood + "login " + name + "\r\n", 10000ms));
        check_serving(watcher, name);
    }
    CHECK(kill(server.pid(), 0) == 0);
}

TEST_CASE("Hostile telnet: a stream of oversized subnegotiations disconnects its sender with one log line") {
    ServerProcess server;
    auto watcher = login_client(server.port(), "Watcher");
    auto bully = login_client(server.port(), "Bully");
    REQUIRE(watcher.read_until([](std::string_view l) { return l == "Bully has entered the room."; }));
    // 20 KiB subnegotiations, and 9 KiB GMCP ones (its bound is 8 KiB), in one write.
    std::string storm;
    for (int i = 0; i < 6; ++i) storm += sb(24, std::string(20 * 1024, 'x'));
    for (int i = 0; i < 6; ++i) storm += sb(201, "Core.Hello " + std::string(9 * 1024, 'y'));
    REQUIRE(bully.send(storm + "say never said\r\n", 10000ms));
    CHECK(bully.read_until([](std::string_view l) { return l.find("oversized") != std::string_view::npos; },
                           5000ms));
    CHECK(bully.wait_closed(5000ms));
    CHECK(watcher.read_until([](std::string_view l) { return l == "Bully has left the room."; }, 5000ms));
    CHECK(server.wait_for_log("Bully (oversized telnet subnegotiations)"));
    const auto log = server.stdout_text();
    // One line for the episode, however many there were, and the disconnect.
    std::size_t warnings = 0;
    for (auto at = log.find("discarding oversized"); at != std::string::npos; at = log.find("discarding oversized", at + 1)) {
        ++warnings;
    }
    CHECK(warnings == 1);
    CHECK(log.find("never said") == std::string::npos);
    CHECK(watcher.send_line("say still serving"));
    CHECK(watcher.read_until([](std::string_view l) { return l == "Watcher: still serving"; }));
}

TEST_CASE("Hostile telnet: a client that starts compressing its input is told why and closed") {
    ServerProcess server;
    auto watcher = login_client(server.port(), "Watcher");
    auto squeezer = login_client(server.port(), "Squeezer");
    REQUIRE(watcher.read_until([](std::string_view l) { return l == "Squeezer has entered the room."; }));
    // IAC SB COMPRESS2 IAC SE, then what would be a zlib stream.
    REQUIRE(squeezer.send(sb(86, "") + "\x78\x9c\xcb\x48\xcd\xc9\xc9\x07\x00say inflated\r\n"));
    CHECK(squeezer.read_until([](std::string_view l) { return l.find("Compressed input") != std::string_view::npos; },
                              5000ms));
    CHECK(squeezer.wait_closed(5000ms));
    CHECK(watcher.read_until([](std::string_view l) { return l == "Squeezer has left the room."; }, 5000ms));
    CHECK(server.wait_for_log("the client started compressing its input"));
    CHECK(server.stdout_text().find("inflated") == std::string::npos);
    auto after = login_client(server.port(), "After");
    check_serving(watcher, "After");
}
