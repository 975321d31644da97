// [server] io_threads: the sends of each flush split across I/O threads
// while every client, telnet or WebSocket, still gets every line, complete
// and in order; and the threads are there (or not) as configured.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/ws_client.hpp"

using namespace natter::test;

namespace {

std::string numbered(int i) {
    char text[32];
    std::snprintf(text, sizeof text, "burst-%04d", i);
    return text;
}

// The names of the process's threads that natterd gave to its I/O threads.
std::vector<std::string> io_thread_names(pid_t pid) {
    std::vector<std::string> names;
    std::error_code error;
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    for (auto it = std::filesystem::directory_iterator{tasks, error};
         !error && it != std::filesystem::directory_iterator{}; it.increment(error)) {
        std::ifstream comm{it->path() / "comm"};
        std::string name;
        if (std::getline(comm, name) && name.starts_with("natter-io")) names.push_back(name);
    }
    return names;
}

// `listeners` clients in one room; alice pipelines `count` says, which each
// of them and alice herself must read complete and in order. Each flush then
// has output for every one of them, enough to spread over the threads.
void check_burst_reaches_everyone(ServerProcess& server, int listeners, int count) {
    std::vector<TcpClient> readers;
    for (int i = 0; i < listeners; ++i) readers.push_back(login_client(server.port(), "reader" + std::to_string(i)));
    readers.push_back(login_client(server.port(), "alice"));
    for (int i = 0; i < listeners; ++i) {
        REQUIRE(readers[static_cast<std::size_t>(i)].read_until(
            [](std::string_view line) { return line == "alice has entered the room."; }));
    }
    std::string burst;
    for (int i = 0; i < count; ++i) burst += "say " + numbered(i) + "\r\n";
    REQUIRE(readers.back().send(burst));
    for (auto& reader : readers) {
        for (int i = 0; i < count; ++i) {
            const auto check = reader.expect_line("alice: " + numbered(i));
            if (!check) {
                FAIL_CHECK(check);  // one failure per reader says it all
                break;
            }
        }
    }
}

// A WebSocket client logged in as `name`, its welcome and sign-in read.
WsClient web_reader(std::uint16_t port, const std::string& name) {
    WsClient client{port};
    REQUIRE(client.upgrade() == 101);
    REQUIRE(client.send_text("login " + name));
    REQUIRE(client.read_text_until([](std::string_view text) { return text.find("\"signed_in\"") != std::string_view::npos; }));
    return client;
}

// The next `count` says of `from` that `client` reads, in the order they
// came; other events between them are passed over. Stops at the first frame
// that is not a text frame of valid JSON, or when none comes in time.
std::vector<std::string> web_says(WsClient& client, std::string_view from, int count) {
    std::vector<std::string> messages;
    for (int frames = 0; static_cast<int>(messages.size()) < count && frames < count * 4; ++frames) {
        const auto frame = client.read_frame();
        if (!frame || frame->opcode != 1) break;
        const auto event = nlohmann::json::parse(frame->payload, nullptr, false);
        if (event.is_discarded()) break;
        if (event.value("type", "") == "say" && event.value("from", "") == from) {
            messages.push_back(event.value("message", ""));
        }
    }
    return messages;
}

}  // namespace

TEST_CASE("I/O threads: with io_threads = 2 every client gets every line of a burst, in order") {
    for (const char* io_uring : {"true", "false"}) {
        CAPTURE(io_uring);
        ServerProcess server{{.server_extra = std::string{"io_threads = 2\nio_uring = "} + io_uring + "\n"}};
        CHECK(server.wait_for_log("output: 2 I/O threads, the loop thread one of them"));
        CHECK(io_thread_names(server.pid()) == std::vector<std::string>{"natter-io1"});
        check_burst_reaches_everyone(server, 40, 300);
    }
}

TEST_CASE("I/O threads: io_threads = 4 starts three threads beside the loop, on any machine") {
    ServerProcess server{{.server_extra = "io_threads = 4\n"}};
    CHECK(server.wait_for_log("output: 4 I/O threads, the loop thread one of them"));
    auto names = io_thread_names(server.pid());
    std::ranges::sort(names);
    CHECK(names == std::vector<std::string>{"natter-io1", "natter-io2", "natter-io3"});
    check_burst_reaches_everyone(server, 40, 100);
}

TEST_CASE("I/O threads: io_threads = 1 sends from the loop thread alone") {
    ServerProcess server{{.server_extra = "io_threads = 1\n"}};
    CHECK(server.wait_for_log("output: the loop thread alone (io_threads = 1)"));
    CHECK(io_thread_names(server.pid()).empty());
    check_burst_reaches_everyone(server, 40, 100);
}

TEST_CASE("I/O threads: WebSocket and telnet clients in one room share the split flush, each frame whole and once") {
    ServerProcess server{{.server_extra = "io_threads = 2\n",
                          .extra_tables = "[[listeners]]\nport = 0\nkind = \"web\"\n"}};
    CHECK(server.wait_for_log("output: 2 I/O threads, the loop thread one of them"));
    constexpr int each = 16;  // of each kind: enough that every flush splits across both threads
    constexpr int count = 200;
    std::vector<WsClient> web;
    std::vector<TcpClient> telnet;
    for (int i = 0; i < each; ++i) {
        web.push_back(web_reader(server.listener_port("web"), "web" + std::to_string(i)));
        telnet.push_back(login_client(server.port(), "telnet" + std::to_string(i)));
    }
    TcpClient alice = login_client(server.port(), "alice");
    for (auto& reader : telnet) {
        REQUIRE(reader.read_until([](std::string_view line) { return line == "alice has entered the room."; }));
    }
    std::string burst;
    std::vector<std::string> expected;
    for (int i = 0; i < count; ++i) {
        burst += "say " + numbered(i) + "\r\n";
        expected.push_back(numbered(i));
    }
    REQUIRE(alice.send(burst));
    for (auto& reader : web) CHECK(web_says(reader, "alice", count) == expected);
    for (auto& reader : telnet) {
        for (int i = 0; i < count; ++i) {
            const auto check = reader.expect_line("alice: " + numbered(i));
            if (!check) {
                FAIL_CHECK(check);
                break;
            }
        }
    }
}
