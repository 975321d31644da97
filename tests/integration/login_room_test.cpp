// LoginRoom over real TCP: the welcome, the login replies of SPEC §2, and
// that a refused login leaves the connection usable.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

TEST_CASE("LoginRoom: a new connection is welcomed with the server name and nothing else") {
    ServerProcess server;
    TcpClient client{server.port()};
    CHECK(client.expect_line("Welcome to TestChat"));
    // No motd is configured, so nothing follows the welcome.
    CHECK(client.read_line(Millis{300}) == std::nullopt);
}

TEST_CASE("LoginRoom: anything but login is answered with Please log in") {
    ServerProcess server;
    TcpClient client{server.port()};
    REQUIRE(client.expect_line("Welcome to TestChat"));
    for (const char* line : {"hello", "say hi", "look", "who"}) {
        CAPTURE(line);
        REQUIRE(client.send_line(line));
        CHECK(client.expect_line("Please log in"));
        CHECK(client.expect_line("Use \"login <nick>\""));
    }
}

TEST_CASE("LoginRoom: an empty name is refused and the session can log in after") {
    ServerProcess server;
    TcpClient client{server.port()};
    REQUIRE(client.expect_line("Welcome to TestChat"));
    REQUIRE(client.send_line("login"));
    CHECK(client.expect_line("Please enter a name"));
    REQUIRE(client.send_line("login "));
    CHECK(client.expect_line("Please enter a name"));
    log_in(client, "alice");
}

TEST_CASE("LoginRoom: a taken name is refused and another name then works") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient other{server.port()};
    REQUIRE(other.expect_line("Welcome to TestChat"));
    REQUIRE(other.send_line("login alice"));
    CHECK(other.expect_line("The name \"alice\" is taken."));
    CHECK(other.expect_line("Please try again."));
    log_in(other, "bob");
    CHECK(alice.expect_line("bob has entered the room."));
}

TEST_CASE("LoginRoom: a name is taken whatever its case") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "Alice");
    TcpClient other{server.port()};
    REQUIRE(other.expect_line("Welcome to TestChat"));
    for (const char* name : {"alice", "ALICE", "aLiCe"}) {
        CAPTURE(name);
        REQUIRE(other.send_line(std::string{"login "} + name));
        const auto reply = other.read_line();
        REQUIRE(reply);
        // SPEC leaves open whether the typed or the existing spelling is
        // quoted; either is the same person.
        CHECK((*reply == std::string{"The name \""} + name + "\" is taken." ||
               *reply == "The name \"Alice\" is taken."));
        CHECK(other.expect_line("Please try again."));
    }
    // Nobody entered: Alice's next line is her own look reply.
    REQUIRE(alice.send_line("look"));
    CHECK(alice.expect_line("The following are in this room:"));
    CHECK(alice.expect_line("Alice"));
    CHECK(alice.read_line(Millis{200}) == std::nullopt);
}

TEST_CASE("LoginRoom: an invalid name gets one explaining line and a valid name then works") {
    ServerProcess server;
    TcpClient observer = login_client(server.port(), "watcher");
    TcpClient client{server.port()};
    REQUIRE(client.expect_line("Welcome to TestChat"));
    const std::vector<std::string> invalid{
        "1abc",                   // must start with a letter
        "_abc",                   // likewise
        "-abc",                   // likewise
        "bad!name",               // punctuation
        "two words",              // a space
        "caf\xC3\xA9",            // non-ASCII letter
        "abcdefghijklmnopqrstu",  // 21 characters
    };
    for (const auto& name : invalid) {
        CAPTURE(name);
        REQUIRE(client.send_line("login " + name));
        const auto reply = client.read_line();
        REQUIRE(reply);
        CHECK(reply->find("has entered") == std::string::npos);
        CHECK(reply->find("Please log in") == std::string::npos);
        CHECK(reply->find("is taken") == std::string::npos);
        CHECK_FALSE(reply->empty());
    }
    // 20 characters of letters, digits, '_' and '-' starting with a letter.
    const std::string longest = "Zed_20-chars_abcdefg";
    REQUIRE(longest.size() == 20);
    REQUIRE(client.send_line("login " + longest));
    // The refusals were one line each: the observer's next line is this entry
    // and the client's next reply is its look.
    CHECK(observer.expect_line(longest + " has entered the room."));
    REQUIRE(client.send_line("look"));
    CHECK(client.expect_line("The following are in this room:"));
    CHECK(client.expect_line("watcher"));
    CHECK(client.expect_line(longest));
}

TEST_CASE("LoginRoom: logout and quit close the connection before login") {
    ServerProcess server;
    for (const char* command : {"logout", "quit"}) {
        CAPTURE(command);
        TcpClient client{server.port()};
        REQUIRE(client.expect_line("Welcome to TestChat"));
        REQUIRE(client.send_line(command));
        CHECK(client.wait_closed());
    }
}
