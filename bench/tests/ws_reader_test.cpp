// bench/tests/ws_reader_test.cpp — WsReader: the upgrade response and the
// server's frames, split at every byte; fragmented messages with a ping in
// between; the errors a broken server stream must give.
#include "bench/ws_reader.hpp"

#include "bench/ws_frame_writer.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace natter::bench {
namespace {

using namespace std::string_literals;

const std::string upgrade =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

// An unmasked frame as a server sends it.
std::string server_frame(std::uint8_t opcode, std::string_view payload, bool fin = true) {
    std::string out;
    out.push_back(static_cast<char>((fin ? 0x80 : 0x00) | opcode));
    if (payload.size() < 126) {
        out.push_back(static_cast<char>(payload.size()));
    } else if (payload.size() <= 0xFFFF) {
        out.push_back(static_cast<char>(126));
        out.push_back(static_cast<char>(payload.size() >> 8));
        out.push_back(static_cast<char>(payload.size() & 0xFF));
    } else {
        out.push_back(static_cast<char>(127));
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.push_back(static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> shift) & 0xFF));
        }
    }
    out.append(payload);
    return out;
}

struct Seen {
    bool upgraded = false;
    std::vector<std::pair<std::uint8_t, std::string>> messages;
    std::string error;
};

// Feeds `stream` in pieces of at most `piece` bytes.
Seen read_all(std::string_view stream, std::size_t piece) {
    WsReader reader;
    Seen seen;
    for (std::size_t at = 0; at < stream.size() && seen.error.empty(); at += piece) {
        std::string_view raw = stream.substr(at, piece);
        WsMessage message;
        for (bool more = false; !more;) {
            switch (reader.next(raw, message)) {
            case WsReader::Step::more:
                more = true;
                break;
            case WsReader::Step::upgraded:
                seen.upgraded = true;
                break;
            case WsReader::Step::message:
                seen.messages.emplace_back(message.opcode, std::string{message.payload});
                break;
            case WsReader::Step::error:
                seen.error = reader.error();
                more = true;
                break;
            }
        }
    }
    return seen;
}

TEST_CASE("ws_reader: the upgrade head and frames of every length form, split at every byte") {
    const std::string big(300, 'x');      // 16-bit length
    const std::string huge(70'000, 'y');  // 64-bit length
    const std::string stream = upgrade + server_frame(ws::op_text, R"({"text":"Welcome to BenchChat","v":1})") +
                               server_frame(ws::op_text, big) + server_frame(ws::op_ping, "p1") +
                               server_frame(ws::op_text, "") + server_frame(ws::op_binary, huge) +
                               server_frame(ws::op_close, "\x03\xE8"s);
    for (std::size_t piece = 1; piece <= stream.size(); piece = piece < 64 ? piece + 1 : piece * 3) {
        CAPTURE(piece);
        const Seen seen = read_all(stream, piece);
        CHECK(seen.error.empty());
        CHECK(seen.upgraded);
        REQUIRE(seen.messages.size() == 6);
        CHECK(seen.messages[0].first == ws::op_text);
        CHECK(seen.messages[0].second == R"({"text":"Welcome to BenchChat","v":1})");
        CHECK(seen.messages[1].second == big);
        CHECK(seen.messages[2].first == ws::op_ping);
        CHECK(seen.messages[2].second == "p1");
        CHECK(seen.messages[3].second.empty());
        CHECK(seen.messages[4].first == ws::op_binary);
        CHECK(seen.messages[4].second == huge);
        CHECK(seen.messages[5].first == ws::op_close);
        CHECK(seen.messages[5].second == "\x03\xE8"s);
    }
}

TEST_CASE("ws_reader: a fragmented message is joined, a ping between its fragments comes first") {
    const std::string stream = upgrade + server_frame(ws::op_text, "one ", false) + server_frame(ws::op_ping, "") +
                               server_frame(ws::op_continuation, "two ", false) +
                               server_frame(ws::op_continuation, "three") + server_frame(ws::op_text, "next");
    for (std::size_t piece = 1; piece <= stream.size(); ++piece) {
        CAPTURE(piece);
        const Seen seen = read_all(stream, piece);
        CHECK(seen.error.empty());
        REQUIRE(seen.messages.size() == 3);
        CHECK(seen.messages[0].first == ws::op_ping);
        CHECK(seen.messages[1].first == ws::op_text);
        CHECK(seen.messages[1].second == "one two three");
        CHECK(seen.messages[2].second == "next");
    }
}

TEST_CASE("ws_reader: a refused upgrade and broken server streams are errors") {
    CHECK(read_all("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 60\r\n\r\n", 7).error ==
          "upgrade refused: HTTP/1.1 503 Service Unavailable");
    CHECK(read_all(std::string(20'000, 'h'), 100).error == "upgrade response head over 16 KiB");
    // A masked frame: servers must not mask.
    CHECK(read_all(upgrade + "\x81\x82\x01\x02\x03\x04" "ab"s, 5).error == "masked frame from the server");
    CHECK(read_all(upgrade + "\xC1\x00"s, 5).error == "RSV bit set (no extension was agreed)");
    CHECK(read_all(upgrade + server_frame(ws::op_continuation, "x"), 5).error ==
          "continuation frame with no message begun");
    CHECK(read_all(upgrade + server_frame(ws::op_text, "a", false) + server_frame(ws::op_text, "b"), 5).error ==
          "new message inside a fragmented one");
    CHECK(read_all(upgrade + server_frame(ws::op_ping, std::string(126, 'p')), 5).error ==
          "fragmented or over-long control frame");
    CHECK(read_all(upgrade + server_frame(ws::op_ping, "x", false), 5).error ==
          "fragmented or over-long control frame");
    CHECK(read_all(upgrade + server_frame(0x3, "x"), 5).error == "reserved data opcode 3");
    CHECK(read_all(upgrade + server_frame(0xB, "x"), 5).error == "reserved control opcode 11");
    CHECK(read_all(upgrade + server_frame(ws::op_text, std::string(WsReader::max_message_bytes + 1, 'z')), 4096)
              .error == "server frame over 1 MiB");
}

}  // namespace
}  // namespace natter::bench
