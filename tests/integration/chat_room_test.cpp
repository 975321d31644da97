// ChatRoom over real TCP: says, entered/left notices, look and who, and the
// replies to unknown and empty lines (SPEC §2).
#include <doctest/doctest.h>

#include <string>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

TEST_CASE("ChatRoom: the entrant gets no entered notice of its own") {
    ServerProcess server;
    TcpClient alice{server.port()};
    REQUIRE(alice.expect_line("Welcome to TestChat"));
    REQUIRE(alice.send_line("login alice"));
    REQUIRE(alice.send_line("look"));
    CHECK(alice.expect_line("The following are in this room:"));
    CHECK(alice.expect_line("alice"));
    CHECK(alice.read_line(Millis{200}) == std::nullopt);
}

TEST_CASE("ChatRoom: two clients see each other's says and entered notices") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    CHECK(alice.expect_line("bob has entered the room."));

    REQUIRE(alice.send_line("say hello bob"));
    CHECK(alice.expect_line("alice: hello bob"));  // say echoes to the sender
    CHECK(bob.expect_line("alice: hello bob"));

    REQUIRE(bob.send_line("say hi alice"));
    CHECK(bob.expect_line("bob: hi alice"));
    CHECK(alice.expect_line("bob: hi alice"));
}

TEST_CASE("ChatRoom: three clients see entered, say and left notices") {
    ServerProcess server;
    TcpClient a = login_client(server.port(), "ann");
    TcpClient b = login_client(server.port(), "ben");
    CHECK(a.expect_line("ben has entered the room."));
    TcpClient c = login_client(server.port(), "cat");
    CHECK(a.expect_line("cat has entered the room."));
    CHECK(b.expect_line("cat has entered the room."));

    REQUIRE(b.send_line("say one for all"));
    for (TcpClient* client : {&a, &b, &c}) CHECK(client->expect_line("ben: one for all"));

    REQUIRE(c.send_line("logout"));
    CHECK(c.wait_closed());
    CHECK(a.expect_line("cat has left the room."));
    CHECK(b.expect_line("cat has left the room."));

    REQUIRE(a.send_line("say still here"));
    CHECK(a.expect_line("ann: still here"));
    CHECK(b.expect_line("ann: still here"));
}

TEST_CASE("ChatRoom: look lists the room in join order") {
    ServerProcess server;
    // Names chosen so that alphabetical or hash order would differ.
    TcpClient zed = login_client(server.port(), "zed");
    TcpClient amy = login_client(server.port(), "amy");
    TcpClient max = login_client(server.port(), "max");
    REQUIRE(amy.expect_line("max has entered the room."));
    REQUIRE(amy.send_line("look"));
    CHECK(amy.expect_line("The following are in this room:"));
    CHECK(amy.expect_line("zed"));
    CHECK(amy.expect_line("amy"));
    CHECK(amy.expect_line("max"));
    CHECK(amy.read_line(Millis{200}) == std::nullopt);
}

TEST_CASE("ChatRoom: who lists everyone logged in, in login order") {
    ServerProcess server;
    TcpClient zed = login_client(server.port(), "zed");
    TcpClient amy = login_client(server.port(), "amy");
    TcpClient max = login_client(server.port(), "max");
    TcpClient guest{server.port()};  // connected but not logged in: not listed
    REQUIRE(guest.expect_line("Welcome to TestChat"));

    REQUIRE(max.send_line("who"));
    CHECK(max.expect_line("The following are logged in:"));
    for (const char* name : {"zed", "amy", "max"}) {
        const auto line = max.read_line();
        REQUIRE(line);
        CAPTURE(*line);
        CHECK(names_user(*line, name));
    }
    CHECK(max.read_line(Millis{200}) == std::nullopt);
}

TEST_CASE("ChatRoom: an unknown command is named in the reply") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    REQUIRE(alice.send_line("xyzzy"));
    CHECK(alice.expect_line("Unknown command: xyzzy"));
    REQUIRE(alice.send_line("xyzzy with some words"));
    CHECK(alice.expect_line("Unknown command: xyzzy"));
}

TEST_CASE("ChatRoom: an empty line does nothing") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    CHECK(alice.expect_line("bob has entered the room."));
    REQUIRE(alice.send_line(""));
    REQUIRE(alice.send_line("say after the blank"));
    CHECK(alice.expect_line("alice: after the blank"));
    CHECK(bob.expect_line("alice: after the blank"));
}
