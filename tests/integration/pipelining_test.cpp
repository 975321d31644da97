// Many lines in one TCP write: the framer must split them all, the server
// must keep their order and lose none (the classic asynchat did).
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

namespace {

std::string numbered(int i) {
    char text[32];
    std::snprintf(text, sizeof text, "line-%04d", i);
    return text;
}

// Alice pipelines `count` says; she and Bob must read each, in order.
void check_pipelined_says(ServerProcess& server) {
    constexpr int count = 1000;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    REQUIRE(alice.expect_line("bob has entered the room."));

    std::string burst;
    for (int i = 0; i < count; ++i) burst += "say " + numbered(i) + "\r\n";
    REQUIRE(alice.send(burst));

    // Stop at the first difference: one failure says it all.
    for (TcpClient* reader : {&bob, &alice}) {
        for (int i = 0; i < count; ++i) {
            const auto check = reader->expect_line("alice: " + numbered(i));
            if (!check) {
                FAIL_CHECK(check);
                break;
            }
        }
    }
    CHECK(bob.read_line(Millis{200}) == std::nullopt);
}

}  // namespace

TEST_CASE("Pipelining: 1000 say lines in one write arrive complete and in order") {
    ServerProcess server;  // flood control off (the test config's default)
    CHECK(server.wait_for_log("output: one io_uring submission per loop iteration"));
    check_pipelined_says(server);
}

TEST_CASE("Pipelining: the same with io_uring = false, written socket by socket") {
    ServerProcess server{{.server_extra = "io_uring = false\n"}};
    CHECK(server.wait_for_log("output: socket by socket (io_uring = false)"));
    check_pipelined_says(server);
}
