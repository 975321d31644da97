// Telnet (SPEC §1): IAC sequences never reach a command, negotiation cannot
// loop, subnegotiations are consumed whole, and the commands a session acts on.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "src/telnet.hpp"
#include "tests/unit/test_world.hpp"

namespace natter {
namespace {

constexpr char iac = '\xFF';
constexpr char dont_ = '\xFE';
constexpr char do_ = '\xFD';
constexpr char wont_ = '\xFC';
constexpr char will_ = '\xFB';
constexpr char sb = '\xFA';
constexpr char se = '\xF0';
constexpr char echo = '\x01';
constexpr char sga = '\x03';
constexpr char ttype = '\x18';
constexpr char naws = '\x1F';
constexpr char linemode = '\x22';

std::string bytes(std::initializer_list<char> list) { return std::string{list}; }

// Records what the Telnet layer hands on.
struct Recorder final : TelnetListener {
    std::string data;
    std::string sent;
    std::vector<unsigned char> commands;
    void on_telnet_data(std::string_view b) override { data.append(b); }
    void on_telnet_send(std::string_view b) override { sent.append(b); }
    void on_telnet_command(unsigned char command) override { commands.push_back(command); }
};

// A subnegotiation with `payload_size` bytes of payload that would be
// commands if they leaked: "say leak\r\n" repeated.
std::string long_subnegotiation(std::size_t payload_size) {
    std::string out = bytes({iac, sb, ttype});
    const std::string_view chunk = "say leak\r\n";
    while (out.size() - 3 < payload_size) out.push_back(chunk[(out.size() - 3) % chunk.size()]);
    out += bytes({iac, se});
    return out;
}

}  // namespace

TEST_CASE("Telnet: plain bytes pass through unchanged") {
    Recorder r;
    Telnet telnet{r};
    telnet.receive("hello\r\n");
    CHECK(r.data == "hello\r\n");
    CHECK(r.sent.empty());
    CHECK(r.commands.empty());
}

TEST_CASE("Telnet: IAC IAC is one 0xFF data byte") {
    Recorder r;
    Telnet telnet{r};
    telnet.receive(std::string{"a"} + iac + iac + "b");
    CHECK(r.data == "a\xFF" "b");
    CHECK(r.sent.empty());
}

TEST_CASE("Telnet: IAC IAC split between two reads is still one 0xFF byte") {
    Recorder r;
    Telnet telnet{r};
    telnet.receive(std::string{"a"} + iac);
    telnet.receive(std::string{iac} + "b");
    CHECK(r.data == "a\xFF" "b");
}

TEST_CASE("Telnet: DO for any option is answered WONT once, WILL is answered DONT once") {
    for (int code = 0; code < 255; ++code) {
        const auto option = static_cast<char>(code);
        CAPTURE(code);
        Recorder r;
        Telnet telnet{r};
        telnet.receive(bytes({iac, do_, option}));
        CHECK(r.sent == bytes({iac, wont_, option}));
        r.sent.clear();
        telnet.receive(bytes({iac, will_, option}));
        CHECK(r.sent == bytes({iac, dont_, option}));
        CHECK(r.data.empty());
    }
}

TEST_CASE("Telnet: DONT and WONT get no reply") {
    Recorder r;
    Telnet telnet{r};
    telnet.receive(bytes({iac, dont_, echo, iac, wont_, echo, iac, dont_, naws, iac, wont_, ttype}));
    CHECK(r.sent.empty());
    CHECK(r.data.empty());
}

TEST_CASE("Telnet: feeding the server's own replies back sends nothing more (no loop)") {
    Recorder r;
    Telnet telnet{r};
    telnet.receive(bytes({iac, do_, sga, iac, will_, naws, iac, do_, echo, iac, will_, linemode}));
    const std::string replies = r.sent;
    REQUIRE(replies == bytes({iac, wont_, sga, iac, dont_, naws, iac, wont_, echo, iac, dont_, linemode}));
    r.sent.clear();
    // A naive peer that echoes whatever it gets.
    telnet.receive(replies);
    CHECK(r.sent.empty());
    CHECK(r.data.empty());
}

TEST_CASE("Telnet: set_server_echo sends IAC WILL ECHO and IAC WONT ECHO") {
    Recorder r;
    Telnet telnet{r};
    telnet.set_server_echo(true);
    CHECK(r.sent == bytes({iac, will_, echo}));
    r.sent.clear();
    telnet.receive(bytes({iac, do_, echo}));  // the client agrees
    CHECK(r.sent.empty());
    telnet.set_server_echo(false);
    CHECK(r.sent == bytes({iac, wont_, echo}));
    r.sent.clear();
    telnet.receive(bytes({iac, dont_, echo}));  // the client acknowledges
    CHECK(r.sent.empty());
}

TEST_CASE("Telnet: a subnegotiation is consumed whole") {
    Recorder r;
    Telnet telnet{r};
    telnet.receive(std::string{"ab"} + bytes({iac, sb, naws, '\x00', '\x50', '\x00', '\x18', iac, se}) + "cd");
    CHECK(r.data == "abcd");
    CHECK(r.sent.empty());
    CHECK(r.commands.empty());
}

TEST_CASE("Telnet: a subnegotiation split at every byte position is consumed whole") {
    const std::string input = std::string{"x\r\n"} +
                              bytes({iac, sb, ttype, '\x00'}) + "xterm" + bytes({iac, iac}) + "\r\n" +
                              bytes({iac, se}) + "y\r\n";
    for (std::size_t cut = 0; cut <= input.size(); ++cut) {
        CAPTURE(cut);
        Recorder r;
        Telnet telnet{r};
        telnet.receive(std::string_view{input}.substr(0, cut));
        telnet.receive(std::string_view{input}.substr(cut));
        CHECK(r.data == "x\r\ny\r\n");
    }
    Recorder r;
    Telnet telnet{r};
    for (char c : input) telnet.receive(std::string_view{&c, 1});
    CHECK(r.data == "x\r\ny\r\n");
}

TEST_CASE("Telnet: a subnegotiation longer than libtelnet's 16 KiB buffer is still consumed whole") {
    for (std::size_t payload : {16383U, 16384U, 16385U, 16386U, 20000U, 70000U}) {
        CAPTURE(payload);
        const std::string input = "a" + long_subnegotiation(payload) + "b\r\n";
        Recorder r;
        Telnet telnet{r};
        telnet.receive(input);
        CHECK(r.data == "ab\r\n");
        CHECK(r.commands.empty());
    }
}

TEST_CASE("Telnet: an overlong subnegotiation split at any position is still consumed whole") {
    const std::string input = "a" + long_subnegotiation(17000) + "b\r\n";
    for (std::size_t cut : {1UL, 2UL, 3UL, 4UL, 100UL, 16386UL, 16387UL, 16388UL, 16389UL, 17000UL,
                            input.size() - 5, input.size() - 4, input.size() - 3, input.size() - 2}) {
        CAPTURE(cut);
        Recorder r;
        Telnet telnet{r};
        telnet.receive(std::string_view{input}.substr(0, cut));
        telnet.receive(std::string_view{input}.substr(cut));
        CHECK(r.data == "ab\r\n");
    }
    for (std::size_t chunk : {1UL, 7UL, 1000UL, 4096UL}) {
        CAPTURE(chunk);
        Recorder r;
        Telnet telnet{r};
        for (std::size_t i = 0; i < input.size(); i += chunk) telnet.receive(std::string_view{input}.substr(i, chunk));
        CHECK(r.data == "ab\r\n");
    }
}

TEST_CASE("Telnet: after an overlong subnegotiation, the next one is handled normally") {
    Recorder r;
    Telnet telnet{r};
    telnet.receive(long_subnegotiation(20000) + bytes({iac, sb, naws, '\x00', '\x50', iac, se}) + "ok" +
                   bytes({iac, do_, sga}));
    CHECK(r.data == "ok");
    CHECK(r.sent == bytes({iac, wont_, sga}));
}

TEST_CASE("Telnet: an overlong subnegotiation ends at its first IAC SE, whatever it holds") {
    // Past 16 KiB libtelnet is back in data mode, so an IAC SB inside the
    // rest of the payload starts a new subnegotiation; its IAC SE still ends
    // the whole thing and the data after it must arrive.
    Recorder r;
    Telnet telnet{r};
    std::string input = long_subnegotiation(20000);
    input.insert(input.size() - 2, bytes({iac, sb, naws, '\x00', '\x50'}));
    telnet.receive(input + "after\r\n");
    CHECK(r.data == "after\r\n");
    telnet.receive("more\r\n");
    CHECK(r.data == "after\r\nmore\r\n");
}

TEST_CASE("Telnet: IAC commands are reported, not passed as data") {
    Recorder r;
    Telnet telnet{r};
    telnet.receive(std::string{"a"} + bytes({iac, '\xF6', iac, '\xF4', iac, '\xF3', iac, '\xF7', iac, '\xF8'}) + "b");
    CHECK(r.data == "ab");
    CHECK(r.commands == std::vector<unsigned char>{telnet_command::ayt, telnet_command::ip, telnet_command::brk,
                                                   telnet_command::ec, telnet_command::el});
}

// --- through a Session

TEST_CASE("Telnet: IAC AYT gets a reply line") {
    test::TestWorld t;
    auto& s = t.connect();
    test::take_lines(s);
    s.receive(bytes({iac, '\xF6'}));
    const auto lines = test::take_lines(s);
    REQUIRE(lines.size() == 1);
    CHECK_FALSE(lines[0].empty());
    CHECK(lines[0].find("TestChat") != std::string::npos);
}

TEST_CASE("Telnet: negotiation replies reach the session's outbox, and nothing reaches a command") {
    test::TestWorld t;
    auto& s = t.connect();
    test::take_lines(s);
    s.receive(bytes({iac, do_, ttype, iac, will_, naws}));
    CHECK(test::take_bytes(s) == bytes({iac, wont_, ttype, iac, dont_, naws}));
    s.receive(bytes({iac, wont_, ttype, iac, dont_, naws}));
    CHECK(test::take_bytes(s).empty());
}

TEST_CASE("Telnet: IAC IP, IAC BRK and IAC EL drop the partial line") {
    for (char command : {'\xF4', '\xF3', '\xF8'}) {
        CAPTURE(static_cast<int>(static_cast<unsigned char>(command)));
        test::TestWorld t;
        auto& bob = t.login("bob");
        bob.receive("say secret");
        bob.receive(bytes({iac, command}));
        bob.receive("say visible\r\n");
        CHECK(test::take_lines(bob) == std::vector<std::string>{"bob: visible"});
    }
}

TEST_CASE("Telnet: IAC EC erases one character") {
    test::TestWorld t;
    auto& bob = t.login("bob");
    bob.receive("say hi\xC3\xA9");
    bob.receive(bytes({iac, '\xF7'}));
    bob.receive("!\r\n");
    CHECK(test::take_lines(bob) == std::vector<std::string>{"bob: hi!"});
}

TEST_CASE("Telnet: a subnegotiation inside a typed line never reaches a command") {
    test::TestWorld t;
    auto& bob = t.login("bob");
    const std::string input = std::string{"say a"} + long_subnegotiation(20000) + "b\r\n";
    bob.receive(input);
    CHECK(test::take_lines(bob) == std::vector<std::string>{"bob: ab"});
}

TEST_CASE("Telnet: set_server_echo through a session writes the telnet command to the outbox") {
    test::TestWorld t;
    auto& s = t.connect();
    test::take_lines(s);
    s.telnet().set_server_echo(true);
    CHECK(test::take_bytes(s) == bytes({iac, will_, echo}));
    s.receive(bytes({iac, do_, echo}));
    CHECK(test::take_bytes(s).empty());
    s.telnet().set_server_echo(false);
    CHECK(test::take_bytes(s) == bytes({iac, wont_, echo}));
}

TEST_CASE("Telnet: a literal 0xFF byte typed by a user becomes U+FFFD, never IAC") {
    test::TestWorld t;
    auto& bob = t.login("bob");
    bob.receive(std::string{"say x"} + iac + iac + "y\r\n");
    CHECK(test::take_lines(bob) == std::vector<std::string>{"bob: x\xEF\xBF\xBDy"});
}

}  // namespace natter
