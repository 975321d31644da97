// WebSocket frames, the server's side of RFC 6455: takes what a client
// sends, split anywhere, and gives whole messages (for natter a text
// message is one command line), pings, pongs and the close; refuses what a
// server must refuse, with the close code to send (1002 protocol, 1007
// invalid UTF-8, 1009 too big); and builds the server's own frames. Bounded:
// a message is never buffered past max_message. No extensions. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace natter {

struct WebSocketSnapshot;

namespace ws_close {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t invalid_data = 1007;  // not UTF-8
inline constexpr std::uint16_t policy = 1008;
inline constexpr std::uint16_t too_big = 1009;
inline constexpr std::uint16_t server_error = 1011;
}  // namespace ws_close

class WebSocketListener {
public:
    virtual void on_ws_message(std::string_view text) = 0;  // whole, valid UTF-8
    virtual void on_ws_ping(std::string_view payload) = 0;  // answer with a pong
    virtual void on_ws_pong(std::string_view payload) = 0;
    // The client closed (code 1005 when it gave none), or broke the protocol
    // (`violation`, with the code to close with). Nothing more is parsed.
    virtual void on_ws_close(std::uint16_t code, std::string_view reason, bool violation) = 0;

protected:
    ~WebSocketListener() = default;
};

class WebSocketFramer {
public:
    enum class Opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

    explicit WebSocketFramer(std::size_t max_message) : max_message_{max_message} {}

    void receive(std::string_view bytes, WebSocketListener& listener);
    void set_max_message(std::size_t bytes) { max_message_ = bytes; }
    [[nodiscard]] bool closed() const { return state_ == State::closed; }

    // A frame half read, for a hot restart.
    [[nodiscard]] WebSocketSnapshot snapshot() const;
    void restore(const WebSocketSnapshot& snapshot);

    // A whole unmasked server frame of `payload` (FIN set).
    static void append_frame(std::string& out, Opcode opcode, std::string_view payload);
    // A close frame: the code, then a reason cut to fit a control frame.
    static void append_close(std::string& out, std::uint16_t code, std::string_view reason);
    // The bytes a frame header of `payload_size` takes.
    [[nodiscard]] static std::size_t header_size(std::size_t payload_size);

private:
    enum class State : std::uint8_t { header, payload, closed };
    void violate(WebSocketListener& listener, std::uint16_t code, std::string_view why);
    void start_payload(WebSocketListener& listener);
    void end_frame(WebSocketListener& listener);

    std::size_t max_message_;
    State state_ = State::header;
    unsigned char header_[14] = {};
    std::size_t header_have_ = 0;
    std::size_t header_need_ = 2;
    Opcode opcode_ = Opcode::continuation;
    bool fin_ = false;
    unsigned char mask_[4] = {};
    std::uint64_t payload_left_ = 0;
    std::uint64_t payload_done_ = 0;  // of this frame, for the mask position
    bool in_message_ = false;         // a fragmented message is under way
    std::string message_;             // the data message being assembled
    std::string control_;             // the control frame being read (at most 125 bytes)
};

}  // namespace natter
