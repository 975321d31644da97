// Line framing on the wire (SPEC §1): partial reads, the four accepted line
// ends, and CR LF sent by the server.
#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

namespace {

// One send per byte; the pause makes each its own segment and, mostly, its
// own read on the server.
void send_byte_by_byte(TcpClient& client, std::string_view bytes) {
    for (const char byte : bytes) {
        REQUIRE(client.send(std::string_view{&byte, 1}));
        std::this_thread::sleep_for(Millis{1});
    }
}

}  // namespace

TEST_CASE("Lines: input sent one byte per write is assembled into lines") {
    ServerProcess server;
    TcpClient bob = login_client(server.port(), "bob");
    TcpClient alice{server.port()};
    REQUIRE(alice.expect_line("Welcome to TestChat"));
    send_byte_by_byte(alice, "login alice\r\n");
    CHECK(bob.expect_line("alice has entered the room."));
    send_byte_by_byte(alice, "say typed slowly\r\n");
    CHECK(alice.expect_line("alice: typed slowly"));
    CHECK(bob.expect_line("alice: typed slowly"));
}

TEST_CASE("Lines: CR LF, bare LF, CR NUL and bare CR each end exactly one line") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    REQUIRE(alice.expect_line("bob has entered the room."));

    using namespace std::string_literals;  // "\0" inside a literal needs ""s
    REQUIRE(alice.send("say crlf\r\nsay lf\nsay crnul\r\0say cr\rlook\r\n"s));
    for (const char* text : {"crlf", "lf", "crnul", "cr"}) {
        CHECK(bob.expect_line(std::string{"alice: "} + text));
        CHECK(alice.expect_line(std::string{"alice: "} + text));
    }
    // The look reply comes right after: no line end was counted twice into
    // something visible, and the bare CR did not swallow the next line.
    CHECK(alice.expect_line("The following are in this room:"));
    CHECK(alice.expect_line("alice"));
    CHECK(alice.expect_line("bob"));
    CHECK(alice.read_line(Millis{200}) == std::nullopt);
    CHECK(bob.read_line(Millis{200}) == std::nullopt);
}

TEST_CASE("Lines: CR LF is one line end, also when split across writes") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    REQUIRE(alice.send("say a\r\nsay b\r\n"));
    CHECK(alice.expect_line("alice: a"));
    CHECK(alice.expect_line("alice: b"));
    REQUIRE(alice.send("say c\r"));
    std::this_thread::sleep_for(Millis{50});  // the CR is read alone
    REQUIRE(alice.send("\nlook\r\n"));
    CHECK(alice.expect_line("alice: c"));
    CHECK(alice.expect_line("The following are in this room:"));
    CHECK(alice.expect_line("alice"));
    CHECK(alice.read_line(Millis{200}) == std::nullopt);
}

TEST_CASE("Lines: every line the server sends ends with CR LF") {
    ServerProcess server;
    TcpClient alice{server.port()};
    std::string wire;
    auto collect = [&](std::string_view until) {
        const auto raw = alice.read_raw_until(until);
        REQUIRE(raw);
        wire += *raw;
    };
    collect("TestChat\r\n");
    REQUIRE(alice.send_line("hello"));
    collect("<nick>\"\r\n");
    REQUIRE(alice.send_line("login alice"));
    REQUIRE(alice.send_line("look"));
    collect("\r\nalice\r\n");
    CAPTURE(wire);
    for (std::size_t at = wire.find('\n'); at != std::string::npos; at = wire.find('\n', at + 1)) {
        CHECK(at > 0);
        CHECK(wire[at - 1] == '\r');
    }
}
