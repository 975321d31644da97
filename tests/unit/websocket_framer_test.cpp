// WebSocketFramer: client frames split anywhere, fragmentation with
// control frames between the fragments, every rule a server must enforce
// with its close code, and the server's own frames byte for byte.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "src/websocket_framer.hpp"

namespace natter {
namespace {

using Opcode = WebSocketFramer::Opcode;

// A client frame: masked (unless told not to), with the given first byte.
std::string client_frame(unsigned first_byte, std::string_view payload, bool masked = true) {
    std::string out;
    out.push_back(static_cast<char>(first_byte));
    const auto size = payload.size();
    const unsigned mask_bit = masked ? 0x80U : 0U;
    if (size < 126) {
        out.push_back(static_cast<char>(mask_bit | size));
    } else if (size <= 0xFFFF) {
        out.push_back(static_cast<char>(mask_bit | 126U));
        out.push_back(static_cast<char>(size >> 8U));
        out.push_back(static_cast<char>(size & 0xFFU));
    } else {
        out.push_back(static_cast<char>(mask_bit | 127U));
        for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xFFU));
    }
    const unsigned char mask[4] = {0x37, 0xFA, 0x21, 0x3D};
    if (masked) out.append(reinterpret_cast<const char*>(mask), 4);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(masked ? static_cast<char>(payload[i] ^ static_cast<char>(mask[i % 4])) : payload[i]);
    }
    return out;
}

std::string text(std::string_view payload) { return client_frame(0x81, payload); }

std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
    std::string payload{static_cast<char>(code >> 8U), static_cast<char>(code & 0xFFU)};
    payload.append(reason);
    return payload;
}

struct Recorder final : WebSocketListener {
    std::vector<std::string> messages;
    std::vector<std::string> pings;
    std::vector<std::string> pongs;
    int closes = 0;
    std::uint16_t code = 0;
    std::string reason;
    bool violation = false;

    void on_ws_message(std::string_view t) override { messages.emplace_back(t); }
    void on_ws_ping(std::string_view p) override { pings.emplace_back(p); }
    void on_ws_pong(std::string_view p) override { pongs.emplace_back(p); }
    void on_ws_close(std::uint16_t c, std::string_view r, bool v) override {
        ++closes;
        code = c;
        reason = r;
        violation = v;
    }
};

// What the framer makes of `bytes` given in one piece.
Recorder run(const std::string& bytes, std::size_t max_message = 2048) {
    WebSocketFramer framer{max_message};
    Recorder recorder;
    framer.receive(bytes, recorder);
    return recorder;
}

void check_violation(const std::string& bytes, std::uint16_t code, std::size_t max_message = 2048) {
    const auto recorder = run(bytes, max_message);
    CHECK(recorder.closes == 1);
    CHECK(recorder.violation);
    CHECK(recorder.code == code);
    CHECK(recorder.messages.empty());
}

}  // namespace

TEST_CASE("WebSocket: masked text messages, split at every byte, come out whole and in order") {
    const std::string stream = text("say hello") + client_frame(0x89, "p1") + text("") + text("who") +
                               client_frame(0x8A, "pong") + text("emote waves \xC3\xA9");
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        CAPTURE(cut);
        WebSocketFramer framer{2048};
        Recorder recorder;
        framer.receive(std::string_view{stream}.substr(0, cut), recorder);
        framer.receive(std::string_view{stream}.substr(cut), recorder);
        REQUIRE(recorder.messages.size() == 4);
        CHECK(recorder.messages[0] == "say hello");
        CHECK(recorder.messages[1].empty());
        CHECK(recorder.messages[2] == "who");
        CHECK(recorder.messages[3] == "emote waves \xC3\xA9");
        CHECK(recorder.pings == std::vector<std::string>{"p1"});
        CHECK(recorder.pongs == std::vector<std::string>{"pong"});
        CHECK(recorder.closes == 0);
    }
    WebSocketFramer bytewise{2048};
    Recorder recorder;
    for (const char c : stream) bytewise.receive(std::string_view{&c, 1}, recorder);
    CHECK(recorder.messages.size() == 4);
    CHECK(recorder.pings.size() == 1);
}

TEST_CASE("WebSocket: 16- and 64-bit lengths are read; binary is taken like text") {
    const std::string medium(300, 'm');
    const std::string large(70000, 'L');
    const auto recorder = run(text(medium) + text(large) + client_frame(0x82, "look"), 100000);
    REQUIRE(recorder.messages.size() == 3);
    CHECK(recorder.messages[0] == medium);
    CHECK(recorder.messages[1] == large);
    CHECK(recorder.messages[2] == "look");
}

TEST_CASE("WebSocket: a fragmented message is joined, with control frames between its fragments") {
    const std::string stream = client_frame(0x01, "say ") + client_frame(0x89, "mid") + client_frame(0x00, "hel") +
                               client_frame(0x8A, "") + client_frame(0x80, "lo");
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        CAPTURE(cut);
        WebSocketFramer framer{2048};
        Recorder recorder;
        framer.receive(std::string_view{stream}.substr(0, cut), recorder);
        framer.receive(std::string_view{stream}.substr(cut), recorder);
        CHECK(recorder.messages == std::vector<std::string>{"say hello"});
        CHECK(recorder.pings == std::vector<std::string>{"mid"});
        CHECK(recorder.pongs.size() == 1);
    }
    // A character split across fragments is only checked once whole.
    const auto split_char = run(client_frame(0x01, "caf\xC3") + client_frame(0x80, "\xA9"));
    CHECK(split_char.messages == std::vector<std::string>{"caf\xC3\xA9"});
}

TEST_CASE("WebSocket: the client's close gives its code and reason, and nothing after it is read") {
    WebSocketFramer framer{2048};
    Recorder recorder;
    framer.receive(client_frame(0x88, close_payload(1000, "bye")) + text("after"), recorder);
    CHECK(recorder.closes == 1);
    CHECK_FALSE(recorder.violation);
    CHECK(recorder.code == 1000);
    CHECK(recorder.reason == "bye");
    CHECK(recorder.messages.empty());
    CHECK(framer.closed());
    framer.receive(text("later"), recorder);
    CHECK(recorder.messages.empty());
    CHECK(recorder.closes == 1);

    const auto empty_close = run(client_frame(0x88, ""));
    CHECK(empty_close.code == 1005);  // none given
    CHECK_FALSE(empty_close.violation);
    const auto app_code = run(client_frame(0x88, close_payload(4001)));
    CHECK(app_code.code == 4001);
    CHECK_FALSE(app_code.violation);
}

TEST_CASE("WebSocket: a bad close frame is a protocol error, a non-UTF-8 reason invalid data") {
    check_violation(client_frame(0x88, "x"), ws_close::protocol_error);  // a one-byte payload
    check_violation(client_frame(0x88, close_payload(1005)), ws_close::protocol_error);
    check_violation(client_frame(0x88, close_payload(1006)), ws_close::protocol_error);
    check_violation(client_frame(0x88, close_payload(999)), ws_close::protocol_error);
    check_violation(client_frame(0x88, close_payload(2000)), ws_close::protocol_error);
    check_violation(client_frame(0x88, close_payload(1000, "\xFF")), ws_close::invalid_data);
}

TEST_CASE("WebSocket: what a server must refuse is refused with 1002") {
    check_violation(client_frame(0x81, "say hi", false), ws_close::protocol_error);  // unmasked
    check_violation(client_frame(0xC1, "say hi"), ws_close::protocol_error);         // RSV1: no deflate agreed
    check_violation(client_frame(0xA1, "say hi"), ws_close::protocol_error);         // RSV2
    check_violation(client_frame(0x83, "x"), ws_close::protocol_error);              // opcode 3 is reserved
    check_violation(client_frame(0x8B, "x"), ws_close::protocol_error);              // opcode 11 too
    check_violation(client_frame(0x09, "ping"), ws_close::protocol_error);           // a fragmented ping
    check_violation(client_frame(0x89, std::string(126, 'p')), ws_close::protocol_error);
    check_violation(client_frame(0x80, "orphan"), ws_close::protocol_error);  // a continuation of nothing
    check_violation(client_frame(0x01, "one") + text("two"), ws_close::protocol_error);
    // A 64-bit length with its top bit set.
    std::string huge{"\x81\xFF\x80\x00\x00\x00\x00\x00\x00\x00", 10};
    huge.append("mask");
    check_violation(huge, ws_close::protocol_error);
}

TEST_CASE("WebSocket: a message over the bound is refused with 1009 before it is buffered") {
    check_violation(text(std::string(2049, 'a')), ws_close::too_big);
    // Only the header arrives: the announced length is enough to refuse.
    std::string header{"\x81\xFF\x00\x00\x00\x01\x00\x00\x00\x00", 10};
    header.append("mask");
    check_violation(header, ws_close::too_big);
    // Fragments that add up to too much.
    check_violation(client_frame(0x01, std::string(1500, 'a')) + client_frame(0x80, std::string(600, 'b')),
                    ws_close::too_big);
    // Exactly the bound is fine.
    const auto at_bound = run(text(std::string(2048, 'a')));
    CHECK(at_bound.messages.size() == 1);
    CHECK(at_bound.closes == 0);
}

TEST_CASE("WebSocket: a message that is not UTF-8 is refused with 1007") {
    check_violation(text("say \xFF"), ws_close::invalid_data);
    check_violation(text("say \xC0\x80"), ws_close::invalid_data);      // an overlong NUL
    check_violation(text("say \xED\xA0\x80"), ws_close::invalid_data);  // a surrogate
    check_violation(text("say \xF4\x90\x80\x80"), ws_close::invalid_data);  // past U+10FFFF
    check_violation(text("say caf\xC3"), ws_close::invalid_data);          // cut short
    check_violation(client_frame(0x82, "\x80"), ws_close::invalid_data);   // binary too
    const auto good = run(text("\xF0\x9F\x98\x80 \xE2\x82\xAC"));
    CHECK(good.messages.size() == 1);
}

TEST_CASE("WebSocket: the server's frames are unmasked, FIN set, with the shortest length form") {
    std::string out;
    WebSocketFramer::append_frame(out, Opcode::text, "hi");
    CHECK(out == std::string{"\x81\x02hi", 4});

    for (const std::size_t size : {0UL, 125UL, 126UL, 65535UL, 65536UL}) {
        CAPTURE(size);
        std::string frame;
        WebSocketFramer::append_frame(frame, Opcode::text, std::string(size, 'x'));
        const auto header = WebSocketFramer::header_size(size);
        CHECK(frame.size() == header + size);
        CHECK(static_cast<unsigned char>(frame[0]) == 0x81);
        const auto length_byte = static_cast<unsigned char>(frame[1]);
        CHECK((length_byte & 0x80U) == 0);  // never masked
        CHECK((length_byte & 0x7FU) == (size < 126 ? size : size <= 0xFFFF ? 126 : 127));
    }
    CHECK(WebSocketFramer::header_size(125) == 2);
    CHECK(WebSocketFramer::header_size(126) == 4);
    CHECK(WebSocketFramer::header_size(65536) == 10);

    std::string close;
    WebSocketFramer::append_close(close, ws_close::going_away, "restart");
    CHECK(close == std::string{"\x88\x09\x03\xE9restart", 11});
    std::string ping;
    WebSocketFramer::append_frame(ping, Opcode::ping, "natter");
    CHECK(ping == std::string{"\x89\x06natter", 8});
}

TEST_CASE("WebSocket: a long close reason is cut to fit a control frame, at a character boundary") {
    std::string reason(122, 'r');
    reason += "\xC3\xA9\xC3\xA9";  // the 123rd byte starts a two-byte character
    std::string frame;
    WebSocketFramer::append_close(frame, ws_close::normal, reason);
    const auto payload_size = static_cast<unsigned char>(frame[1]);
    CHECK(payload_size <= 125);
    CHECK(payload_size == 2 + 122);  // the split character is left out whole
    CHECK(frame.substr(4) == std::string(122, 'r'));
}

}  // namespace natter
