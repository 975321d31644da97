// Connection limits from [limits] (SPEC §5): max_clients and max_per_address.
// The wording of the refusal is free except for "server full".
#include <doctest/doctest.h>

#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

TEST_CASE("Limits: over max_clients a connection gets a server full line and is closed") {
    ServerOptions options;
    options.limits += "max_clients = 2\n";
    ServerProcess server{options};
    TcpClient first{server.port()};
    TcpClient second{server.port()};
    REQUIRE(first.expect_line("Welcome to TestChat"));
    REQUIRE(second.expect_line("Welcome to TestChat"));
    TcpClient third{server.port()};
    const auto line = third.read_line();
    REQUIRE(line);
    CHECK(line->find("server full") != std::string::npos);
    CHECK(third.wait_closed());
    // The first two are unaffected.
    REQUIRE(first.send_line("hello"));
    CHECK(first.expect_line("Please log in"));
}

TEST_CASE("Limits: max_per_address closes the extra connection but not other addresses") {
    ServerOptions options;
    options.limits += "max_per_address = 2\n";
    ServerProcess server{options};
    TcpClient first{server.port()};
    TcpClient second{server.port()};
    REQUIRE(first.expect_line("Welcome to TestChat"));
    REQUIRE(second.expect_line("Welcome to TestChat"));
    TcpClient third{server.port()};
    // Whatever it is told, it must not be welcomed and must be closed.
    CHECK_FALSE(third.read_until([](std::string_view l) { return l == "Welcome to TestChat"; }));
    CHECK(third.peer_closed());
    // Another address of the loopback net is a different address.
    TcpClient elsewhere{server.port(), "127.0.0.2"};
    CHECK(elsewhere.expect_line("Welcome to TestChat"));
}
