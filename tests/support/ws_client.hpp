// A WebSocket client of the tests' own, on a raw socket, independent of
// natter's HTTP and framing code: it sends the upgrade request a test asks
// for, masks its frames (or not, when a test wants to break the rules),
// takes apart the server's frames and keeps what it read. Every wait is
// bounded.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/tcp_client.hpp"
#include "tests/support/timeouts.hpp"

namespace natter::test {

struct WsFrame {
    bool fin = true;
    unsigned opcode = 0;  // 1 text, 2 binary, 8 close, 9 ping, 10 pong
    bool masked = false;  // a server must never mask
    std::string payload;

    // A close frame's code (1005 when it has none) and reason.
    [[nodiscard]] std::uint16_t close_code() const;
    [[nodiscard]] std::string close_reason() const;
};

// One client frame: FIN and the opcode in `first_byte` as sent, the payload
// masked with a fixed key unless `masked` is false.
std::string ws_client_frame(unsigned first_byte, std::string_view payload, bool masked = true);

class WsClient {
public:
    // Connects to 127.0.0.1:port without sending anything yet.
    explicit WsClient(std::uint16_t port, std::string_view source_address = {});

    // Sends `request` as is and reads the response head; returns the status
    // (0 if none came). The head's fields are then in response_head().
    int request(std::string_view request, Millis timeout = default_timeout);
    // The usual upgrade of /ws, with `extra` header lines (each ending CR LF).
    int upgrade(std::string_view extra = {}, Millis timeout = default_timeout);
    [[nodiscard]] const std::string& response_head() const { return head_; }
    // The body after a non-101 head, read until the server closes.
    std::string read_body(Millis timeout = default_timeout);

    bool send_text(std::string_view text) { return tcp_.send(ws_client_frame(0x81, text)); }
    bool send_raw(std::string_view bytes) { return tcp_.send(bytes); }

    // The next frame, or nullopt on timeout or EOF.
    std::optional<WsFrame> read_frame(Millis timeout = default_timeout);
    // The next text frame whose payload satisfies `match`; frames passed
    // over are kept in seen(). Pings met on the way are answered.
    std::optional<std::string> read_text_until(const std::function<bool(std::string_view)>& match,
                                               Millis timeout = default_timeout);
    // The next close frame, skipping data frames.
    std::optional<WsFrame> expect_close(Millis timeout = default_timeout);
    [[nodiscard]] const std::vector<WsFrame>& seen() const { return seen_; }

    bool wait_closed(Millis timeout = default_timeout) { return tcp_.wait_closed(timeout); }
    TcpClient& tcp() { return tcp_; }

private:
    std::optional<WsFrame> take_frame();

    TcpClient tcp_;
    std::string head_;
    std::string inbox_;  // bytes after the head, not yet a whole frame
    std::vector<WsFrame> seen_;
};

}  // namespace natter::test
