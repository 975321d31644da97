// Leaving the ChatRoom: logout and its aliases, and connections that just
// drop (FIN or RST). Each must tell the room and free the name (SPEC §2).
#include <doctest/doctest.h>

#include <string>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

namespace {

// After alice is gone: bob was told, and the name can be used again.
void check_alice_left_and_name_is_free(ServerProcess& server, TcpClient& bob) {
    CHECK(bob.expect_line("alice has left the room."));
    TcpClient again = login_client(server.port(), "alice");
    CHECK(bob.expect_line("alice has entered the room."));
}

}  // namespace

TEST_CASE("Logout: logout, quit and q close the connection and tell the room") {
    for (const char* command : {"logout", "quit", "q"}) {
        CAPTURE(command);
        ServerProcess server;
        TcpClient alice = login_client(server.port(), "alice");
        TcpClient bob = login_client(server.port(), "bob");
        REQUIRE(alice.expect_line("bob has entered the room."));
        REQUIRE(alice.send_line(command));
        CHECK(alice.wait_closed());
        check_alice_left_and_name_is_free(server, bob);
    }
}

TEST_CASE("Logout: a connection closed with FIN frees the name and tells the room") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    // Linux answers a close() with unread data by RST; read it all first so
    // that this really is a FIN.
    REQUIRE(alice.expect_line("bob has entered the room."));
    alice.close();
    check_alice_left_and_name_is_free(server, bob);
}

TEST_CASE("Logout: a connection reset with RST frees the name and tells the room") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    alice.reset();
    check_alice_left_and_name_is_free(server, bob);
}
