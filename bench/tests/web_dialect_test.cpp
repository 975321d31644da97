// bench/tests/web_dialect_test.cpp — the web dialect's bytes: the upgrade
// request, and commands as masked text frames that unmask to exactly the
// lines a telnet client would type; pongs echo the ping's payload.
#include "bench/dialect.hpp"
#include "bench/ws_frame_writer.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace natter::bench {
namespace {

struct ClientFrame {
    std::uint8_t opcode = 0;
    std::string payload;
};

// Takes the client frames apart as a server would (RFC 6455 §5.2, §5.3).
std::vector<ClientFrame> unmask_all(std::string_view bytes) {
    std::vector<ClientFrame> frames;
    while (!bytes.empty()) {
        REQUIRE(bytes.size() >= 2);
        const auto b0 = static_cast<unsigned char>(bytes[0]);
        const auto b1 = static_cast<unsigned char>(bytes[1]);
        REQUIRE((b0 & 0x80U) != 0);  // FIN
        REQUIRE((b0 & 0x70U) == 0);  // no RSV
        REQUIRE((b1 & 0x80U) != 0);  // masked
        std::size_t size = b1 & 0x7FU;
        std::size_t at = 2;
        if (size == 126) {
            size = (std::size_t{static_cast<unsigned char>(bytes[2])} << 8) | static_cast<unsigned char>(bytes[3]);
            at = 4;
        } else {
            REQUIRE(size < 126);
        }
        REQUIRE(bytes.size() >= at + 4 + size);
        const std::string_view mask = bytes.substr(at, 4);
        ClientFrame frame{static_cast<std::uint8_t>(b0 & 0x0FU), {}};
        for (std::size_t i = 0; i < size; ++i) {
            frame.payload.push_back(static_cast<char>(bytes[at + 4 + i] ^ mask[i % 4]));
        }
        frames.push_back(frame);
        bytes.remove_prefix(at + 4 + size);
    }
    return frames;
}

TEST_CASE("web dialect: the upgrade request a bot sends") {
    const Dialect web{Proto::web, "#bench"};
    std::string out;
    web.append_greeting(out, "c12");
    CHECK(out.starts_with("GET /ws HTTP/1.1\r\n"));
    CHECK(out.ends_with("\r\n\r\n"));
    CHECK(out.find("\r\nUpgrade: websocket\r\n") != std::string::npos);
    CHECK(out.find("\r\nConnection: Upgrade\r\n") != std::string::npos);
    CHECK(out.find("\r\nSec-WebSocket-Version: 13\r\n") != std::string::npos);
    CHECK(out.find("Origin") == std::string::npos);
    const auto key_at = out.find("Sec-WebSocket-Key: ");
    REQUIRE(key_at != std::string::npos);
    const std::string key = out.substr(key_at + 19, out.find("\r\n", key_at) - key_at - 19);
    // 16 bytes in base64: 22 characters and "==".
    CHECK(key.size() == 24);
    CHECK(key.ends_with("=="));
    CHECK(key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
          std::string::npos);
}

TEST_CASE("web dialect: login, sync, chat and pong are masked frames of the telnet lines") {
    const Dialect web{Proto::web, "#bench"};
    std::string out;
    web.append_login(out, "c7");
    web.append_chat(out, 7, 42, 123456789);
    web.append_sync(out, 9);
    web.append_pong(out, "ping-data");
    const std::string long_line(200, 'w');  // a 16-bit length
    const std::size_t start = out.size();
    out.append(long_line);
    ws::frame_tail(out, start, ws::op_text, 0xA1B2C3D4U);
    const auto frames = unmask_all(out);
    REQUIRE(frames.size() == 6);
    CHECK(frames[0].opcode == ws::op_text);
    CHECK(frames[0].payload == "login c7");
    CHECK(frames[1].payload == "zsync0");
    CHECK(frames[2].payload == "say b 7 42 123456789");
    CHECK(frames[3].payload == "zsync9");
    CHECK(frames[4].opcode == ws::op_pong);
    CHECK(frames[4].payload == "ping-data");
    CHECK(frames[5].payload == long_line);
    // The payload really is masked on the wire.
    CHECK(out.find("login") == std::string::npos);
}

TEST_CASE("web dialect: events' text lines classify as natter's") {
    const Dialect web{Proto::web, "#bench"};
    const Line chat = web.classify("c3: b 3 17 99");
    CHECK(chat.kind == LineKind::chat);
    CHECK(chat.sender == 3);
    CHECK(chat.seq == 17);
    CHECK(chat.token == "c3");
    CHECK(web.classify("Welcome to BenchChat").kind == LineKind::welcome);
    CHECK(web.classify("Unknown command: zsync0").kind == LineKind::synced);
    CHECK(web.classify("c4 has entered the room.").kind == LineKind::entered);
    CHECK(name_of(Proto::web) == "web");
}

}  // namespace
}  // namespace natter::bench
