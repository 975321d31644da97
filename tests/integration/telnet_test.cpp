// Telnet and text hygiene on the wire (SPEC §1): IAC commands, refused
// options, subnegotiations split across writes, 0xFF, escape sequences,
// overlong lines.
#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "tests/support/chat_client.hpp"
#include "tests/support/printable.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;
using namespace std::string_literals;

namespace {

// Telnet bytes (RFC 854).
const std::string iac = "\xFF";
const std::string ayt = "\xF6";
const std::string sb = "\xFA";
const std::string se = "\xF0";
const std::string will = "\xFB";
const std::string wont = "\xFC";
const std::string do_ = "\xFD";
const std::string dont = "\xFE";
const std::string naws = "\x1F";
const std::string ttype = "\x18";

bool has_control_bytes(std::string_view text) {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && byte != '\t') || byte == 0x7F) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("Telnet: IAC AYT gets a short reply and the session goes on") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    REQUIRE(alice.send(iac + ayt));
    const auto reply = alice.read_line();
    REQUIRE(reply);
    CAPTURE(printable(*reply));
    CHECK_FALSE(reply->empty());
    CHECK(reply->size() < 80);
    REQUIRE(alice.send_line("say still here"));
    CHECK(alice.expect_line("alice: still here"));
}

TEST_CASE("Telnet: DO for an unsupported option is answered WONT") {
    ServerProcess server;
    TcpClient client{server.port()};
    REQUIRE(client.expect_line("Welcome to TestChat"));
    REQUIRE(client.send(iac + do_ + naws));
    const auto raw = client.read_raw_until(iac + wont + naws);
    CHECK(raw);
    // And the session is unharmed.
    REQUIRE(client.send_line("hello"));
    CHECK(client.expect_line("Please log in"));
}

TEST_CASE("Telnet: WILL for an unsupported option is answered DONT") {
    ServerProcess server;
    TcpClient client{server.port()};
    REQUIRE(client.expect_line("Welcome to TestChat"));
    const std::string linemode = "\x22";  // natter does all editing itself
    REQUIRE(client.send(iac + will + linemode));
    const auto raw = client.read_raw_until(iac + dont + linemode);
    CHECK(raw);
    REQUIRE(client.send_line("hello"));
    CHECK(client.expect_line("Please log in"));
}

TEST_CASE("Telnet: a subnegotiation split across writes inside a line is removed whole") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    REQUIRE(alice.expect_line("bob has entered the room."));
    // IAC SB TTYPE IS "xterm" IAC SE, cut inside the IAC pairs and the data.
    const std::string pieces[] = {"say hel" + iac, sb + ttype, "\x00xt"s, "erm" + iac,
                                  se + "lo world\r\n"};
    for (const auto& piece : pieces) {
        REQUIRE(alice.send(piece));
        std::this_thread::sleep_for(Millis{20});
    }
    CHECK(bob.expect_line("alice: hello world"));
    CHECK(alice.expect_line("alice: hello world"));
}

TEST_CASE("Telnet: IAC IAC is a literal 0xFF byte, shown as U+FFFD") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    REQUIRE(alice.expect_line("bob has entered the room."));
    REQUIRE(alice.send("say a" + iac + iac + "b\r\n"));
    CHECK(bob.expect_line("alice: a\xEF\xBF\xBD" "b"));
}

TEST_CASE("Text: escape sequences and control characters do not reach other clients") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    REQUIRE(alice.expect_line("bob has entered the room."));
    REQUIRE(alice.send_line("say \x1b[31mred\x1b[0m and \x07" "bell"));
    const auto line = bob.read_line();
    REQUIRE(line);
    CAPTURE(printable(*line));
    CHECK(line->starts_with("alice: "));
    CHECK(line->find("red") != std::string::npos);
    CHECK(line->find("bell") != std::string::npos);
    CHECK(line->find('\x1b') == std::string::npos);
    CHECK_FALSE(has_control_bytes(*line));
}

TEST_CASE("Lines: an overlong line gets one error line and the connection stays usable") {
    ServerOptions options;
    options.limits += "line_max_bytes = 256\n";
    ServerProcess server{options};
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    REQUIRE(alice.expect_line("bob has entered the room."));

    REQUIRE(alice.send_line("say " + std::string(1000, 'x')));
    const auto error = alice.read_line();
    REQUIRE(error);
    CHECK(error->find("too long") != std::string::npos);

    REQUIRE(alice.send_line("say short again"));
    CHECK(alice.expect_line("alice: short again"));  // so the error was one line
    // Bob never saw any of the long line.
    CHECK(bob.expect_line("alice: short again"));

    // A line within the limit is not refused.
    const std::string within = "say " + std::string(200, 'y');
    REQUIRE(alice.send_line(within));
    CHECK(alice.expect_line("alice: " + std::string(200, 'y')));
}
