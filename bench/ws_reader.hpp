// bench/ws_reader.hpp — what a WebSocket client reads from the server
// (RFC 6455): first the HTTP response head of the upgrade, which must be
// 101, then server frames, taken apart into messages (text or binary,
// fragmented ones joined) and control frames (ping, pong, close). Bytes
// split anywhere by reads. A frame wholly inside one read is handed out
// without a copy. Pure: no sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace natter::bench {

struct WsMessage {
    std::uint8_t opcode = 0;   // ws::op_text, op_binary, op_ping, op_pong or op_close
    std::string_view payload;  // valid until the next call of WsReader::next
};

class WsReader {
public:
    // A server message larger than this is an error (natter's are a few
    // hundred bytes; a `who` of many people a few KiB).
    static constexpr std::size_t max_message_bytes = std::size_t{1} << 20;
    static constexpr std::size_t max_head_bytes = 16 * 1024;

    enum class Step : std::uint8_t {
        more,      // `raw` is used up; call again with the next read
        upgraded,  // the 101 head is complete; frames may follow in `raw`
        message,   // `message` holds one message or control frame
        error,     // the stream is broken; error() says how
    };

    // Takes bytes from the front of `raw` until one of the steps above.
    // Call again with the rest of `raw` until it returns `more`.
    Step next(std::string_view& raw, WsMessage& message);

    [[nodiscard]] bool upgraded() const noexcept { return upgraded_; }
    [[nodiscard]] const std::string& error() const noexcept { return error_; }

private:
    Step read_head(std::string_view& raw);
    Step fail(std::string why);

    std::string head_;     // the response head until its blank line
    std::string frame_;    // an incomplete frame carried to the next read
    std::string message_;  // the payloads of a fragmented message so far
    std::uint8_t message_opcode_ = 0;  // of that message; 0: none open
    bool upgraded_ = false;
    bool failed_ = false;
    // frame_ / message_ were handed out as a message: cleared on the next call.
    bool release_frame_ = false;
    bool release_message_ = false;
    std::string error_;
};

}  // namespace natter::bench
