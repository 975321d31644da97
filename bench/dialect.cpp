// bench/dialect.cpp — wire formats of natter and IRC for the load generator.
#include "bench/dialect.hpp"

#include "bench/ws_frame_writer.hpp"

#include <charconv>

namespace natter::bench {
namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view sync_verb = "zsync";
// IAC DO GMCP (201), IAC DO MCCP2 (86): a client asking the server to
// turn them on, which natter takes on its classic port too.
constexpr std::string_view do_gmcp = "\xFF\xFD\xC9";
constexpr std::string_view do_mccp2 = "\xFF\xFD\x56";

template <typename T>
bool parse_number(std::string_view& text, T& value) {
    const auto* begin = text.data();
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc{} || ptr == begin) {
        return false;
    }
    text.remove_prefix(static_cast<std::size_t>(ptr - begin));
    return true;
}

void append_number(std::string& out, std::uint64_t value) {
    char buf[24];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
    (void)ec;  // 24 digits always fit a uint64_t
    out.append(buf, ptr);
}

// A Sec-WebSocket-Key: any 16 bytes in base64 (RFC 6455 §4.1); the server
// only hashes it, so the client's name padded out is as good as random.
void append_websocket_key(std::string& out, std::string_view name) {
    constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char bytes[16] = {};
    for (std::size_t i = 0; i < sizeof bytes; ++i) {
        bytes[i] = static_cast<unsigned char>(i < name.size() ? name[i] : 'k' + i);
    }
    for (std::size_t i = 0; i < 15; i += 3) {
        const unsigned v = (unsigned{bytes[i]} << 16) | (unsigned{bytes[i + 1]} << 8) | bytes[i + 2];
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(alphabet[(v >> 6) & 63]);
        out.push_back(alphabet[v & 63]);
    }
    const unsigned last = bytes[15];
    out.push_back(alphabet[last >> 2]);
    out.push_back(alphabet[(last & 3) << 4]);
    out.append("==");
}

// The next space-separated word of an IRC line, advancing `rest`.
std::string_view next_word(std::string_view& rest) {
    const auto space = rest.find(' ');
    const auto word = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    return word;
}

}  // namespace

std::string_view name_of(Proto proto) noexcept {
    switch (proto) {
    case Proto::natter:
        return "natter";
    case Proto::irc:
        return "irc";
    case Proto::web:
        return "web";
    }
    return "natter";
}

bool parse_bench_text(std::string_view text, Line& line) {
    if (!text.starts_with("b ")) {
        return false;
    }
    text.remove_prefix(2);
    if (!parse_number(text, line.sender) || !text.starts_with(' ')) {
        return false;
    }
    text.remove_prefix(1);
    if (!parse_number(text, line.seq) || !text.starts_with(' ')) {
        return false;
    }
    text.remove_prefix(1);
    if (!parse_number(text, line.sent_ns)) {
        return false;
    }
    line.kind = LineKind::chat;
    return true;
}

bool Dialect::parse_sync_token(std::string_view token, std::uint64_t& value) {
    return parse_number(token, value) && token.empty();
}

std::uint32_t Dialect::next_mask_key() const {
    // xorshift32: never 0 from a non-zero start.
    mask_state_ ^= mask_state_ << 13;
    mask_state_ ^= mask_state_ >> 17;
    mask_state_ ^= mask_state_ << 5;
    return mask_state_;
}

void Dialect::frame_command(std::string& out, std::size_t start) const {
    ws::frame_tail(out, start, ws::op_text, next_mask_key());
}

void Dialect::append_greeting(std::string& out, std::string_view name, ClientKind kind) const {
    if (proto_ == Proto::web) {
        out.append("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ");
        append_websocket_key(out, name);
        out.append("\r\n\r\n");
        return;
    }
    if (proto_ == Proto::irc) {
        out.append("NICK ").append(name).append(crlf);
        out.append("USER ").append(name).append(" 0 * :natter bench").append(crlf);
        return;
    }
    if (kind == ClientKind::gmcp || kind == ClientKind::mccp) {
        out.append(do_gmcp);
    }
    if (kind == ClientKind::mccp) {
        out.append(do_mccp2);
    }
}

void Dialect::append_login(std::string& out, std::string_view name, ClientKind kind) const {
    if (proto_ == Proto::web) {
        const std::size_t start = out.size();
        out.append("login ").append(name);
        frame_command(out, start);
        append_sync(out, 0);
        return;
    }
    if (proto_ == Proto::natter) {
        out.append("login ").append(name).append(crlf);
        if (kind == ClientKind::colour) {
            out.append("client colour 256").append(crlf);
        }
        append_sync(out, 0);
    }
}

void Dialect::append_join(std::string& out) const {
    if (proto_ == Proto::irc) {
        out.append("JOIN ").append(room_).append(crlf);
    }
}

void Dialect::append_chat(std::string& out, std::uint32_t sender, std::uint32_t seq,
                          std::int64_t sent_ns) const {
    const std::size_t start = out.size();
    if (proto_ == Proto::irc) {
        out.append("PRIVMSG ").append(room_).append(" :b ");
    } else {
        out.append("say b ");
    }
    append_number(out, sender);
    out.push_back(' ');
    append_number(out, seq);
    out.push_back(' ');
    append_number(out, static_cast<std::uint64_t>(sent_ns));
    if (proto_ == Proto::web) {
        frame_command(out, start);
        return;
    }
    out.append(crlf);
}

void Dialect::append_sync(std::string& out, std::uint64_t token) const {
    const std::size_t start = out.size();
    if (proto_ == Proto::irc) {
        out.append("PING :");
    } else {
        out.append(sync_verb);
    }
    append_number(out, token);
    if (proto_ == Proto::web) {
        frame_command(out, start);
        return;
    }
    out.append(crlf);
}

void Dialect::append_pong(std::string& out, std::string_view token) const {
    if (proto_ == Proto::web) {
        ws::append_frame(out, ws::op_pong, token, next_mask_key());
        return;
    }
    out.append("PONG :").append(token).append(crlf);
}

Line Dialect::classify(std::string_view line) const {
    return proto_ == Proto::irc ? classify_irc(line) : classify_natter(line);
}

Line Dialect::classify_natter(std::string_view line) const {
    Line out;
    // Chat first: it is by far the most frequent line under load. Names are
    // at most 20 characters, so the separator is near the start.
    if (const auto colon = line.find(": "); colon != std::string_view::npos && colon <= 20) {
        if (parse_bench_text(line.substr(colon + 2), out)) {
            out.token = line.substr(0, colon);
            return out;
        }
        out = Line{};
    }
    constexpr std::string_view entered = " has entered the room.";
    if (line.ends_with(entered)) {
        out.kind = LineKind::entered;
        out.token = line.substr(0, line.size() - entered.size());
        return out;
    }
    constexpr std::string_view unknown = "Unknown command: ";
    if (line.starts_with(unknown) && line.substr(unknown.size()).starts_with(sync_verb)) {
        out.kind = LineKind::synced;
        out.token = line.substr(unknown.size() + sync_verb.size());
        return out;
    }
    if (line.starts_with("Welcome to ")) {
        out.kind = LineKind::welcome;
        return out;
    }
    // Classic: what a LoginRoom says to a sync it does not understand, or to
    // a refused name; either way the login did not happen.
    if (line.starts_with("Please log in") || line.starts_with("The name \"") ||
        line.starts_with("Please enter a name") || line.find("server full") != std::string_view::npos ||
        line.find("Server full") != std::string_view::npos) {
        out.kind = LineKind::refused;
        out.token = line;
    }
    return out;
}

Line Dialect::classify_irc(std::string_view line) const {
    Line out;
    std::string_view rest = line;
    std::string_view prefix;
    if (rest.starts_with(':')) {
        prefix = next_word(rest);
        prefix.remove_prefix(1);
    }
    const std::string_view command = next_word(rest);
    if (command == "PRIVMSG") {
        const auto colon = rest.find(" :");
        if (colon != std::string_view::npos && parse_bench_text(rest.substr(colon + 2), out)) {
            out.token = prefix.substr(0, prefix.find('!'));
            return out;
        }
        return Line{};
    }
    if (command == "JOIN") {
        out.kind = LineKind::entered;
        out.token = prefix.substr(0, prefix.find('!'));
        return out;
    }
    if (command == "PING" || command == "PONG") {
        // The token is the last parameter, with or without its ':'.
        const auto colon = rest.find(':');
        std::string_view token =
            colon != std::string_view::npos ? rest.substr(colon + 1) : rest.substr(rest.rfind(' ') + 1);
        if (command == "PING") {
            out.kind = LineKind::ping;
            out.token = token.empty() ? rest : token;
        } else {
            out.kind = LineKind::synced;
            out.token = token;
        }
        return out;
    }
    if (command == "001") {
        out.kind = LineKind::welcome;
        return out;
    }
    if (command == "366") {
        out.kind = LineKind::joined;
        return out;
    }
    if (command == "ERROR" || command == "432" || command == "433" || command == "436" ||
        command == "437" || command == "403" || command == "405" || command == "465" ||
        command == "471" || command == "473" || command == "474" || command == "475") {
        out.kind = LineKind::refused;
        out.token = line;
    }
    return out;
}

}  // namespace natter::bench
