// Telnet (SPEC §1, §8): IAC sequences never reach a command, negotiation
// cannot loop (RFC 1143), subnegotiations are consumed whole and bounded per
// option, any byte sequence of any length split anywhere is survived, and
// a peer that starts compressing its input is stopped.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>
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
constexpr char nop = '\xF1';
constexpr char echo = '\x01';
constexpr char sga = '\x03';
constexpr char ttype = '\x18';
constexpr char naws = '\x1F';
constexpr char linemode = '\x22';
constexpr char environ_ = '\x24';
constexpr char new_environ = '\x27';
constexpr char compress2 = '\x56';
constexpr char mccp3 = '\x57';
constexpr char gmcp = '\xC9';

std::string bytes(std::initializer_list<char> list) { return std::string{list}; }

std::string repeat(std::string_view piece, std::size_t times) {
    std::string out;
    out.reserve(piece.size() * times);
    for (std::size_t i = 0; i < times; ++i) out.append(piece);
    return out;
}

// Records what the Telnet layer hands on; accepts the options it is told to.
struct Recorder final : TelnetListener {
    std::string data;
    std::string sent;
    std::vector<unsigned char> commands;
    std::vector<std::pair<unsigned char, std::string>> subnegotiations;
    std::vector<std::pair<TelnetViolation, unsigned>> violations;
    std::vector<std::string> options;  // "+local 1", "-remote 31", ...
    std::vector<std::pair<unsigned char, TelnetSide>> accepted;

    void on_telnet_data(std::string_view b) override { data.append(b); }
    void on_telnet_send(std::string_view b) override { sent.append(b); }
    void on_telnet_command(unsigned char command) override { commands.push_back(command); }
    void on_telnet_violation(TelnetViolation violation, unsigned char, unsigned count) override {
        violations.emplace_back(violation, count);
    }
    bool telnet_accepts(unsigned char option, TelnetSide side) override {
        for (const auto& [o, s] : accepted) {
            if (o == option && s == side) return true;
        }
        return false;
    }
    void on_telnet_option(unsigned char option, TelnetSide side, bool enabled) override {
        options.push_back(std::string{enabled ? "+" : "-"} + (side == TelnetSide::local ? "local " : "remote ") +
                          std::to_string(option));
    }
    void on_telnet_subnegotiation(unsigned char option, std::string_view payload) override {
        subnegotiations.emplace_back(option, std::string{payload});
    }
};

// A subnegotiation with `payload_size` bytes of payload that would be
// commands if they leaked: "say leak\r\n" repeated.
std::string long_subnegotiation(char option, std::size_t payload_size) {
    std::string out = bytes({iac, sb, option});
    const std::string_view chunk = "say leak\r\n";
    while (out.size() - 3 < payload_size) out.push_back(chunk[(out.size() - 3) % chunk.size()]);
    out += bytes({iac, se});
    return out;
}

std::string subnegotiation(char option, std::string_view payload) {
    return bytes({iac, sb, option}) + std::string{payload} + bytes({iac, se});
}

// Feeds `input` whole, then split at every position, then byte by byte,
// and checks each gives what the whole did.
void check_split_anywhere(const std::string& input, const std::string& expected_data) {
    Recorder whole;
    Telnet telnet;
    telnet.receive(input, whole);
    CHECK(whole.data == expected_data);
    for (std::size_t cut = 0; cut <= input.size(); ++cut) {
        CAPTURE(cut);
        Recorder r;
        Telnet t;
        t.receive(std::string_view{input}.substr(0, cut), r);
        t.receive(std::string_view{input}.substr(cut), r);
        CHECK(r.data == whole.data);
        CHECK(r.sent == whole.sent);
        CHECK(r.commands == whole.commands);
        CHECK(r.subnegotiations == whole.subnegotiations);
        CHECK(r.violations == whole.violations);
    }
    Recorder r;
    Telnet t;
    for (char c : input) t.receive(std::string_view{&c, 1}, r);
    CHECK(r.data == whole.data);
    CHECK(r.subnegotiations == whole.subnegotiations);
}

}  // namespace

TEST_CASE("Telnet: plain bytes pass through unchanged and keep no state") {
    Recorder r;
    Telnet telnet;
    telnet.receive("hello\r\n", r);
    CHECK(r.data == "hello\r\n");
    CHECK(r.sent.empty());
    CHECK(r.commands.empty());
    CHECK_FALSE(telnet.active());
}

TEST_CASE("Telnet: IAC IAC is one 0xFF data byte, also split between two reads") {
    Recorder r;
    Telnet telnet;
    telnet.receive(std::string{"a"} + iac + iac + "b", r);
    CHECK(r.data == "a\xFF" "b");
    CHECK(r.sent.empty());
    Recorder split;
    Telnet other;
    other.receive(std::string{"a"} + iac, split);
    other.receive(std::string{iac} + "b", split);
    CHECK(split.data == "a\xFF" "b");
}

TEST_CASE("Telnet: DO for any option is answered WONT once, WILL is answered DONT once") {
    for (int code = 0; code < 256; ++code) {
        const auto option = static_cast<char>(code);
        CAPTURE(code);
        Recorder r;
        Telnet telnet;
        telnet.receive(bytes({iac, do_, option}), r);
        CHECK(r.sent == bytes({iac, wont_, option}));
        r.sent.clear();
        telnet.receive(bytes({iac, will_, option}), r);
        CHECK(r.sent == bytes({iac, dont_, option}));
        CHECK(r.data.empty());
        CHECK(r.options.empty());
    }
}

TEST_CASE("Telnet: DONT and WONT for an option that is off get no reply") {
    Recorder r;
    Telnet telnet;
    telnet.receive(bytes({iac, dont_, echo, iac, wont_, echo, iac, dont_, naws, iac, wont_, ttype}), r);
    CHECK(r.sent.empty());
    CHECK(r.data.empty());
}

TEST_CASE("Telnet: feeding the server's own replies back sends nothing more (no loop)") {
    Recorder r;
    Telnet telnet;
    telnet.receive(bytes({iac, do_, sga, iac, will_, naws, iac, do_, echo, iac, will_, linemode}), r);
    const std::string replies = r.sent;
    REQUIRE(replies == bytes({iac, wont_, sga, iac, dont_, naws, iac, wont_, echo, iac, dont_, linemode}));
    r.sent.clear();
    // A naive peer that echoes whatever it gets.
    telnet.receive(replies, r);
    CHECK(r.sent.empty());
    CHECK(r.data.empty());
}

TEST_CASE("Telnet: an accepted offer is agreed once and reported; its withdrawal is acknowledged once") {
    Recorder r;
    r.accepted = {{static_cast<unsigned char>(naws), TelnetSide::remote}};
    Telnet telnet;
    telnet.receive(bytes({iac, will_, naws}), r);
    CHECK(r.sent == bytes({iac, do_, naws}));
    CHECK(telnet.enabled(naws, TelnetSide::remote));
    CHECK(r.options == std::vector<std::string>{"+remote 31"});
    r.sent.clear();
    telnet.receive(bytes({iac, will_, naws}), r);  // already on: no answer
    CHECK(r.sent.empty());
    telnet.receive(bytes({iac, wont_, naws}), r);
    CHECK(r.sent == bytes({iac, dont_, naws}));
    CHECK_FALSE(telnet.enabled(naws, TelnetSide::remote));
    CHECK(r.options == std::vector<std::string>{"+remote 31", "-remote 31"});
    r.sent.clear();
    telnet.receive(bytes({iac, wont_, naws}), r);  // already off
    CHECK(r.sent.empty());
}

TEST_CASE("Telnet: enable and disable follow RFC 1143, queueing instead of repeating") {
    Recorder r;
    r.accepted = {{static_cast<unsigned char>(echo), TelnetSide::local}};
    Telnet telnet;
    telnet.enable(echo, TelnetSide::local, r);
    CHECK(r.sent == bytes({iac, will_, echo}));
    r.sent.clear();
    telnet.enable(echo, TelnetSide::local, r);  // already asked
    CHECK(r.sent.empty());
    telnet.receive(bytes({iac, do_, echo}), r);  // the client agrees
    CHECK(r.sent.empty());
    CHECK(telnet.enabled(echo, TelnetSide::local));
    telnet.disable(echo, TelnetSide::local, r);
    CHECK(r.sent == bytes({iac, wont_, echo}));
    CHECK_FALSE(telnet.enabled(echo, TelnetSide::local));
    r.sent.clear();
    // On again before the client acknowledged "off": queued, sent after.
    telnet.enable(echo, TelnetSide::local, r);
    CHECK(r.sent.empty());
    telnet.receive(bytes({iac, dont_, echo}), r);
    CHECK(r.sent == bytes({iac, will_, echo}));
    r.sent.clear();
    telnet.receive(bytes({iac, do_, echo}), r);
    CHECK(r.sent.empty());
    CHECK(telnet.enabled(echo, TelnetSide::local));
}

TEST_CASE("Telnet: enable then disable before the answer ends with the option off, each verb sent once") {
    Recorder r;
    Telnet telnet;
    telnet.enable(echo, TelnetSide::local, r);
    telnet.disable(echo, TelnetSide::local, r);  // queued
    CHECK(r.sent == bytes({iac, will_, echo}));
    r.sent.clear();
    telnet.receive(bytes({iac, do_, echo}), r);
    CHECK(r.sent == bytes({iac, wont_, echo}));
    r.sent.clear();
    telnet.receive(bytes({iac, dont_, echo}), r);
    CHECK(r.sent.empty());
    CHECK_FALSE(telnet.enabled(echo, TelnetSide::local));
}

TEST_CASE("Telnet: a refused request is reported") {
    Recorder r;
    Telnet telnet;
    telnet.enable(ttype, TelnetSide::remote, r);
    CHECK(r.sent == bytes({iac, do_, ttype}));
    telnet.receive(bytes({iac, wont_, ttype}), r);
    CHECK(r.options == std::vector<std::string>{"-remote 24"});
    CHECK_FALSE(telnet.enabled(ttype, TelnetSide::remote));
}

TEST_CASE("Telnet: a subnegotiation is consumed whole and handed on with IAC IAC un-escaped") {
    Recorder r;
    Telnet telnet;
    telnet.receive(std::string{"ab"} + bytes({iac, sb, naws, '\x00', '\x50', '\x00', '\x18', iac, se}) + "cd" +
                       bytes({iac, sb, ttype, '\x00', 'a', iac, iac, 'b', iac, se}),
                   r);
    CHECK(r.data == "abcd");
    CHECK(r.sent.empty());
    CHECK(r.commands.empty());
    REQUIRE(r.subnegotiations.size() == 2);
    CHECK(r.subnegotiations[0] == std::pair<unsigned char, std::string>{31, bytes({'\x00', '\x50', '\x00', '\x18'})});
    CHECK(r.subnegotiations[1] == std::pair<unsigned char, std::string>{24, bytes({'\x00', 'a', iac, 'b'})});
}

TEST_CASE("Telnet: a subnegotiation split at every byte position is consumed whole") {
    const std::string input = std::string{"x\r\n"} + bytes({iac, sb, ttype, '\x00'}) + "xterm" + bytes({iac, iac}) +
                              "\r\n" + bytes({iac, se}) + "y\r\n";
    check_split_anywhere(input, "x\r\ny\r\n");
}

TEST_CASE("Telnet: every option's subnegotiation is bounded; one byte over is discarded whole") {
    for (int code = 0; code < 256; ++code) {
        CAPTURE(code);
        const auto option = static_cast<char>(code);
        if (code == 86 || code == 87) continue;  // compression: its own test
        const std::size_t bound = Telnet::max_subnegotiation_bytes(static_cast<unsigned char>(code));
        CHECK(bound >= 4);
        CHECK(bound <= 8192);
        Recorder r;
        Telnet telnet;
        telnet.receive("a" + long_subnegotiation(option, bound) + "b" + long_subnegotiation(option, bound + 1) + "c\r\n",
                       r);
        CHECK(r.data == "abc\r\n");
        REQUIRE(r.subnegotiations.size() == 1);
        CHECK(r.subnegotiations[0].second.size() == bound);
        REQUIRE(r.violations.size() == 1);
        CHECK(r.violations[0] == std::pair{TelnetViolation::oversized_subnegotiation, 1U});
    }
}

TEST_CASE("Telnet: the bounds are those of the protocols") {
    CHECK(Telnet::max_subnegotiation_bytes(telnet_opt::naws) == 4);
    CHECK(Telnet::max_subnegotiation_bytes(telnet_opt::ttype) == 64);
    CHECK(Telnet::max_subnegotiation_bytes(telnet_opt::charset) == 64);
    CHECK(Telnet::max_subnegotiation_bytes(telnet_opt::new_environ) == 1024);
    CHECK(Telnet::max_subnegotiation_bytes(telnet_opt::gmcp) == 8192);
    CHECK(Telnet::max_subnegotiation_bytes(200) == 1024);
}

TEST_CASE("Telnet: an escaped 0xFF counts against the bound") {
    Recorder r;
    Telnet telnet;
    telnet.receive(subnegotiation(naws, bytes({'\x00', iac, iac, '\x00', '\x18'})) + "ok", r);  // 4 bytes
    telnet.receive(subnegotiation(naws, bytes({'\x00', iac, iac, iac, iac, '\x00', '\x18'})) + "!", r);  // 5
    CHECK(r.data == "ok!");
    REQUIRE(r.subnegotiations.size() == 1);
    CHECK(r.subnegotiations[0].second == bytes({'\x00', iac, '\x00', '\x18'}));
    CHECK(r.violations.size() == 1);
}

TEST_CASE("Telnet: oversized subnegotiations of 20 KiB and more, split anywhere, never leak as data") {
    for (std::size_t payload : {8193UL, 16385UL, 20000UL, 70000UL}) {
        CAPTURE(payload);
        Recorder r;
        Telnet telnet;
        telnet.receive("a" + long_subnegotiation(gmcp, payload) + "b\r\n", r);
        CHECK(r.data == "ab\r\n");
        CHECK(r.commands.empty());
        CHECK(r.subnegotiations.empty());
        CHECK(r.violations.size() == 1);
    }
    const std::string input = "a" + long_subnegotiation(new_environ, 17000) + "b\r\n";
    for (std::size_t chunk : {1UL, 7UL, 1000UL, 4096UL, 16384UL}) {
        CAPTURE(chunk);
        Recorder r;
        Telnet telnet;
        for (std::size_t i = 0; i < input.size(); i += chunk) telnet.receive(std::string_view{input}.substr(i, chunk), r);
        CHECK(r.data == "ab\r\n");
        CHECK(r.violations.size() == 1);
    }
}

TEST_CASE("Telnet: after an oversized subnegotiation, the next one is handled normally") {
    Recorder r;
    Telnet telnet;
    telnet.receive(long_subnegotiation(ttype, 20000) + subnegotiation(naws, bytes({'\x00', '\x50', '\x00', '\x18'})) +
                       "ok" + bytes({iac, do_, sga}),
                   r);
    CHECK(r.data == "ok");
    CHECK(r.sent == bytes({iac, wont_, sga}));
    CHECK(r.subnegotiations.size() == 1);
}

TEST_CASE("Telnet: IAC and a command inside a subnegotiation ends it and is taken as a command") {
    Recorder r;
    Telnet telnet;
    // A peer that forgot IAC SE: the AYT must not be swallowed, nor the text after it.
    telnet.receive(bytes({iac, sb, naws, '\x00', '\x50', iac, '\xF6'}) + "hi\r\n" + bytes({iac, do_, sga}), r);
    CHECK(r.data == "hi\r\n");
    CHECK(r.commands == std::vector<unsigned char>{telnet_cmd::ayt});
    CHECK(r.sent == bytes({iac, wont_, sga}));
    CHECK(r.subnegotiations.empty());
    // IAC SB inside one starts a new one.
    Recorder again;
    Telnet other;
    other.receive(bytes({iac, sb, ttype, 'x', iac, sb, naws, '\x00', '\x50', '\x00', '\x18', iac, se}) + "z", again);
    CHECK(again.data == "z");
    REQUIRE(again.subnegotiations.size() == 1);
    CHECK(again.subnegotiations[0].first == 31);
}

TEST_CASE("Telnet: a peer that starts compressing its input is stopped at once") {
    for (const char option : {compress2, mccp3}) {
        CAPTURE(static_cast<int>(option));
        Recorder r;
        Telnet telnet;
        telnet.receive("before\r\n" + bytes({iac, sb, option, iac, se}) + "\x78\x9c garbage\r\n" +
                           bytes({iac, do_, sga}),
                       r);
        CHECK(r.data == "before\r\n");
        CHECK(r.sent.empty());
        REQUIRE(r.violations.size() == 1);
        CHECK(r.violations[0].first == TelnetViolation::client_compression);
        telnet.receive("later\r\n", r);
        CHECK(r.data == "before\r\n");
    }
}

TEST_CASE("Telnet: IAC commands are reported, not passed as data; NOP, GA, EOR and DM are ignored") {
    Recorder r;
    Telnet telnet;
    telnet.receive(std::string{"a"} +
                       bytes({iac, '\xF6', iac, '\xF4', iac, '\xF3', iac, '\xF7', iac, '\xF8', iac, nop, iac, '\xF9',
                              iac, '\xEF', iac, '\xF2', iac, se}) +
                       "b",
                   r);
    CHECK(r.data == "ab");
    CHECK(r.commands == std::vector<unsigned char>{telnet_cmd::ayt, telnet_cmd::ip, telnet_cmd::brk, telnet_cmd::ec,
                                                   telnet_cmd::el});
}

TEST_CASE("Telnet: storms of 64 KiB in one call are parsed in one pass with bounded replies") {
    struct Storm {
        const char* name;
        std::string piece;
        std::size_t replies_per_piece;  // bytes of reply each piece costs
    };
    const std::vector<Storm> storms{
        {"NEW-ENVIRON", subnegotiation(new_environ, bytes({'\x00', '\x00', 'V', 'A', 'R'})), 0},
        {"ENVIRON", subnegotiation(environ_, bytes({'\x00', '\x00', 'V', 'A', 'R'})), 0},
        {"TTYPE IS", subnegotiation(ttype, bytes({'\x00', 'x', 't', 'e', 'r', 'm'})), 0},
        {"NAWS", subnegotiation(naws, bytes({'\x00', '\x50', '\x00', '\x18'})), 0},
        {"GMCP", subnegotiation(gmcp, "Core.Ping"), 0},
        {"NOP", bytes({iac, nop}), 0},
        {"DO/DONT ECHO", bytes({iac, do_, echo, iac, dont_, echo}), 3},
        {"WILL/WONT unknown", bytes({iac, will_, '\x77', iac, wont_, '\x77'}), 3},
        {"empty SB", bytes({iac, sb, '\x63', iac, se}), 0},
    };
    for (const auto& storm : storms) {
        CAPTURE(storm.name);
        const std::size_t count = 64 * 1024 / storm.piece.size();
        const std::string input = repeat(storm.piece, count) + "tail\r\n";
        Recorder r;
        Telnet telnet;
        telnet.receive(input, r);
        CHECK(r.data == "tail\r\n");
        CHECK(r.sent.size() == count * storm.replies_per_piece);
        CHECK(r.violations.empty());
    }
}

TEST_CASE("Telnet: a storm of oversized subnegotiations is counted, one violation each") {
    Recorder r;
    Telnet telnet;
    telnet.receive(repeat(long_subnegotiation(naws, 5), 20) + "x", r);
    CHECK(r.data == "x");
    REQUIRE(r.violations.size() == 20);
    CHECK(r.violations.back().second == 20);
}

TEST_CASE("Telnet: subnegotiation() escapes 0xFF and frames the payload") {
    CHECK(Telnet::subnegotiation(gmcp, "a\xFF" "b") == bytes({iac, sb, gmcp, 'a', iac, iac, 'b', iac, se}));
    CHECK(Telnet::subnegotiation(naws, "") == bytes({iac, sb, naws, iac, se}));
}

// --- through a Session

TEST_CASE("Telnet: IAC AYT gets a reply line") {
    test::TestWorld t;
    auto& s = t.connect();
    test::take_lines(s);
    s.receive(bytes({iac, '\xF6'}));
    const auto lines = test::take_lines(s);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("TestChat") != std::string::npos);
}

TEST_CASE("Telnet: negotiation replies reach the session's outbox, and nothing reaches a command") {
    test::TestWorld t;
    auto& s = t.connect();
    test::take_lines(s);
    // Options natter does not do: refused, once each.
    s.receive(bytes({iac, do_, ttype, iac, will_, linemode}));
    CHECK(test::take_bytes(s) == bytes({iac, wont_, ttype, iac, dont_, linemode}));
    s.receive(bytes({iac, wont_, ttype, iac, dont_, linemode}));
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
    bob.receive(std::string{"say a"} + long_subnegotiation(ttype, 20000) + "b\r\n");
    CHECK(test::take_lines(bob) == std::vector<std::string>{"bob: ab"});
    CHECK_FALSE(bob.closing());
}

TEST_CASE("Telnet: set_server_echo through a session writes the telnet command to the outbox") {
    test::TestWorld t;
    auto& s = t.connect();
    test::take_lines(s);
    s.set_server_echo(true);
    CHECK(test::take_bytes(s) == bytes({iac, will_, echo}));
    s.receive(bytes({iac, do_, echo}));
    CHECK(test::take_bytes(s).empty());
    s.set_server_echo(false);
    CHECK(test::take_bytes(s) == bytes({iac, wont_, echo}));
}

TEST_CASE("Telnet: a literal 0xFF byte typed by a user becomes U+FFFD, never IAC") {
    test::TestWorld t;
    auto& bob = t.login("bob");
    bob.receive(std::string{"say x"} + iac + iac + "y\r\n");
    CHECK(test::take_lines(bob) == std::vector<std::string>{"bob: x\xEF\xBF\xBDy"});
}

TEST_CASE("Telnet: a session that starts compressing its input is told and disconnected") {
    test::TestWorld t;
    auto& bob = t.login("bob");
    auto& amy = t.login("amy");
    test::take_lines(amy);
    bob.receive(bytes({iac, sb, compress2, iac, se}) + "say zlib bytes\r\n");
    CHECK(bob.closing());
    CHECK(bob.close_reason() == "client-started compression");
    t.world.settle();
    CHECK(test::take_lines(amy) == std::vector<std::string>{"bob has left the room."});
}

TEST_CASE("Telnet: a few oversized subnegotiations are forgiven, a stream of them disconnects") {
    test::TestWorld t;
    auto& bob = t.login("bob");
    bob.receive(repeat(long_subnegotiation(naws, 5), 8) + "say still here\r\n");
    CHECK(test::take_lines(bob) == std::vector<std::string>{"bob: still here"});
    bob.receive(long_subnegotiation(gmcp, 9000));
    CHECK(bob.closing());
    CHECK(bob.close_reason() == "oversized telnet subnegotiations");
}

TEST_CASE("Telnet: harmless storms in one read cost nobody their connection") {
    test::TestWorld t;
    auto& bob = t.login("bob");
    bob.receive(repeat(subnegotiation(naws, bytes({'\x00', '\x50', '\x00', '\x18'})), 7000) +
                repeat(bytes({iac, nop}), 30000) +
                repeat(subnegotiation(new_environ, bytes({'\x00', '\x00', 'V', 'A', 'R'})), 7000) + "say ok\r\n");
    CHECK_FALSE(bob.closing());
    CHECK(test::take_lines(bob) == std::vector<std::string>{"bob: ok"});
}

}  // namespace natter
