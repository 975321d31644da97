// bench/dialect.hpp — the wire protocols the load generator speaks
// (natter's talker protocol, SPEC §2; the same over a WebSocket on a web
// listener, docs/web-json.md; and IRC, RFC 2812): the bytes a client sends
// and the classification of the lines it receives. Pure: no sockets, no
// timing, no scenario knowledge.
#pragma once

#include "bench/client_mix.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace natter::bench {

// web: natter's commands, each one masked WebSocket text frame on /ws;
// what arrives is JSON events whose `text` is the line natter's plain
// clients get, so lines are classified as natter's.
enum class Proto : std::uint8_t { natter, irc, web };

// What a received line means to the load generator.
enum class LineKind : std::uint8_t {
    other,     // anything not listed below (MOTD, numerics, notices, ...)
    welcome,   // natter: "Welcome to ..."; IRC: numeric 001
    synced,    // the reply to append_sync(): token holds its token
    joined,    // IRC: 366 (end of NAMES) — our JOIN is complete
    chat,      // a bench line "b <sender> <seq> <ts_ns>" from anyone
    entered,   // natter: "<x> has entered the room."; IRC: ":x!.. JOIN"; token = x
    ping,      // IRC: server PING; token must be echoed in a PONG
    refused,   // login/registration/join refused, or IRC ERROR (closing)
};

struct Line {
    LineKind kind = LineKind::other;
    std::uint32_t sender = 0;
    std::uint32_t seq = 0;
    std::int64_t sent_ns = 0;
    // When the kernel queued the bytes on the client's socket (now_ns()'s
    // clock), 0 if unknown: unlike the time the generator got round to
    // reading, this does not grow with the number of sockets one generator
    // thread drains in turn.
    std::int64_t arrived_ns = 0;
    std::string_view token;
};

class Dialect {
public:
    Dialect(Proto proto, std::string room) : proto_{proto}, room_{std::move(room)} {}

    [[nodiscard]] Proto proto() const noexcept { return proto_; }
    [[nodiscard]] bool is_irc() const noexcept { return proto_ == Proto::irc; }
    [[nodiscard]] bool is_web() const noexcept { return proto_ == Proto::web; }

    // Sent as soon as TCP connects (IRC registers at once; natter waits for
    // its welcome line, so nothing but the options a MUD client asks for:
    // IAC DO GMCP, and IAC DO MCCP2 after it for `mccp`; web: the HTTP
    // upgrade to /ws, as a bot sends it, without Origin).
    void append_greeting(std::string& out, std::string_view name, ClientKind kind = ClientKind::plain) const;
    // Sent after the welcome: natter's login followed by a sync, so the
    // reply to the sync proves the login happened (Classic: the entering
    // user gets no line of their own, so there is nothing else to wait for).
    // A `colour` client asks for 256 colours in between, so the sync's
    // reply also proves every later line comes coloured.
    void append_login(std::string& out, std::string_view name, ClientKind kind = ClientKind::plain) const;
    // IRC: JOIN the bench channel. natter: nothing (login lands in a room).
    void append_join(std::string& out) const;
    // A bench line: "b <sender> <seq> <sent_ns>".
    void append_chat(std::string& out, std::uint32_t sender, std::uint32_t seq,
                     std::int64_t sent_ns) const;
    // A request the server answers only to us and only after everything we
    // sent before it: IRC PING, natter an unknown command "zsync<token>".
    void append_sync(std::string& out, std::uint64_t token) const;
    // IRC: PONG to a PING line. web: a pong frame echoing a ping's payload.
    void append_pong(std::string& out, std::string_view token) const;

    // Classifies one line (without its line end). Views in the result point
    // into `line`.
    [[nodiscard]] Line classify(std::string_view line) const;

    // Parses a sync token produced by append_sync; false when it is not one.
    [[nodiscard]] static bool parse_sync_token(std::string_view token, std::uint64_t& value);

private:
    Line classify_natter(std::string_view line) const;
    Line classify_irc(std::string_view line) const;
    // web: turns out[start, end) — one command line — into a masked frame.
    void frame_command(std::string& out, std::size_t start) const;
    std::uint32_t next_mask_key() const;

    Proto proto_;
    std::string room_;
    // Client frames need a mask key each (RFC 6455 §5.3); the server
    // unmasks any key alike, so a cheap generator will do. Mutable: the
    // append_* functions are otherwise const, and the generator is one thread.
    mutable std::uint32_t mask_state_ = 0x9E3779B9U;
};

// "natter", "irc" or "web", as --proto takes it and the report says it.
[[nodiscard]] std::string_view name_of(Proto proto) noexcept;

// Parses "b <sender> <seq> <sent_ns>" into `line`; false when `text` is not a
// bench line. Shared by both dialects because the payload is the same.
[[nodiscard]] bool parse_bench_text(std::string_view text, Line& line);

}  // namespace natter::bench
