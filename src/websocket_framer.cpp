#include "src/websocket_framer.hpp"

#include <algorithm>
#include <cstring>

#include <utf8proc.h>

#include "src/restart_state.hpp"
#include "src/wipe.hpp"

namespace natter {
namespace {

constexpr std::size_t max_control_payload = 125;

bool is_valid_utf8(std::string_view text) {
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    auto left = static_cast<utf8proc_ssize_t>(text.size());
    while (left > 0) {
        if (static_cast<unsigned char>(*bytes) < 0x80) {
            ++bytes;
            --left;
            continue;
        }
        utf8proc_int32_t cp = 0;
        const auto used = utf8proc_iterate(bytes, left, &cp);
        if (used <= 0) return false;  // also overlongs and surrogates
        bytes += used;
        left -= used;
    }
    return true;
}

// The close codes a peer may send (RFC 6455 §7.4).
bool is_sendable_code(std::uint16_t code) {
    if (code >= 3000 && code <= 4999) return true;
    return code >= 1000 && code <= 1011 && code != 1004 && code != 1005 && code != 1006;
}

}  // namespace

std::size_t WebSocketFramer::header_size(std::size_t payload_size) {
    if (payload_size < 126) return 2;
    if (payload_size <= 0xFFFF) return 4;
    return 10;
}

void WebSocketFramer::append_frame(std::string& out, Opcode opcode, std::string_view payload) {
    const auto size = payload.size();
    out.push_back(static_cast<char>(0x80U | static_cast<unsigned>(opcode)));
    if (size < 126) {
        out.push_back(static_cast<char>(size));
    } else if (size <= 0xFFFF) {
        out.push_back(static_cast<char>(126));
        out.push_back(static_cast<char>(size >> 8U));
        out.push_back(static_cast<char>(size & 0xFFU));
    } else {
        out.push_back(static_cast<char>(127));
        for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xFFU));
    }
    out.append(payload);
}

void WebSocketFramer::append_close(std::string& out, std::uint16_t code, std::string_view reason) {
    std::string payload{static_cast<char>(code >> 8U), static_cast<char>(code & 0xFFU)};
    // Cut at a character boundary to fit a control frame.
    std::size_t keep = std::min(reason.size(), max_control_payload - 2);
    while (keep > 0 && keep < reason.size() && (static_cast<unsigned char>(reason[keep]) & 0xC0) == 0x80) --keep;
    payload.append(reason.substr(0, keep));
    append_frame(out, Opcode::close, payload);
}

void WebSocketFramer::violate(WebSocketListener& listener, std::uint16_t code, std::string_view why) {
    state_ = State::closed;
    message_.clear();
    control_.clear();
    listener.on_ws_close(code, why, true);
}

void WebSocketFramer::receive(std::string_view bytes, WebSocketListener& listener) {
    while (!bytes.empty() && state_ != State::closed) {
        if (state_ == State::header) {
            const auto take = std::min(bytes.size(), header_need_ - header_have_);
            std::copy_n(bytes.data(), take, header_ + header_have_);
            header_have_ += take;
            bytes.remove_prefix(take);
            if (header_have_ < header_need_) continue;
            if (header_need_ == 2) {
                // How long the header is follows from its second byte.
                const unsigned length = header_[1] & 0x7FU;
                header_need_ = 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + ((header_[1] & 0x80U) != 0 ? 4 : 0);
                if (header_have_ < header_need_) continue;
            }
            start_payload(listener);
            continue;
        }
        // Payload: unmask into the message or the control frame.
        const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), payload_left_));
        auto& into = static_cast<unsigned>(opcode_) >= 8 ? control_ : message_;
        const auto start = into.size();
        into.append(bytes.substr(0, take));
        for (std::size_t i = 0; i < take; ++i) into[start + i] = static_cast<char>(into[start + i] ^ mask_[(payload_done_ + i) % 4]);
        payload_done_ += take;
        payload_left_ -= take;
        bytes.remove_prefix(take);
        if (payload_left_ == 0) end_frame(listener);
    }
}

void WebSocketFramer::start_payload(WebSocketListener& listener) {
    const unsigned char b0 = header_[0];
    const unsigned char b1 = header_[1];
    fin_ = (b0 & 0x80U) != 0;
    opcode_ = static_cast<Opcode>(b0 & 0x0FU);
    if ((b0 & 0x70U) != 0) return violate(listener, ws_close::protocol_error, "reserved bits set (no extension was agreed)");
    if ((b1 & 0x80U) == 0) return violate(listener, ws_close::protocol_error, "a client frame must be masked");
    std::uint64_t length = b1 & 0x7FU;
    std::size_t at = 2;
    if (length == 126) {
        length = static_cast<std::uint64_t>(header_[2]) << 8U | header_[3];
        at = 4;
    } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; ++i) length = length << 8U | header_[2 + i];
        at = 10;
        if ((length >> 63U) != 0) return violate(listener, ws_close::protocol_error, "bad frame length");
    }
    std::copy_n(header_ + at, 4, mask_);
    header_have_ = 0;
    header_need_ = 2;
    payload_left_ = length;
    payload_done_ = 0;
    switch (opcode_) {
    case Opcode::close:
    case Opcode::ping:
    case Opcode::pong:
        if (!fin_) return violate(listener, ws_close::protocol_error, "a control frame may not be fragmented");
        if (length > max_control_payload) return violate(listener, ws_close::protocol_error, "control frame too long");
        control_.clear();
        break;
    case Opcode::text:
    case Opcode::binary:
        if (in_message_) return violate(listener, ws_close::protocol_error, "a new message before the last one ended");
        message_.clear();
        in_message_ = true;
        [[fallthrough]];
    case Opcode::continuation:
        if (!in_message_) return violate(listener, ws_close::protocol_error, "a continuation of nothing");
        // Refused on the announced length, before anything is buffered.
        if (message_.size() + length > max_message_) return violate(listener, ws_close::too_big, "message too long");
        break;
    default:
        return violate(listener, ws_close::protocol_error, "unknown opcode");
    }
    state_ = State::payload;
    if (payload_left_ == 0) end_frame(listener);
}

void WebSocketFramer::end_frame(WebSocketListener& listener) {
    state_ = State::header;
    switch (opcode_) {
    case Opcode::ping:
        listener.on_ws_ping(control_);
        break;
    case Opcode::pong:
        listener.on_ws_pong(control_);
        break;
    case Opcode::close: {
        state_ = State::closed;
        if (control_.size() == 1) return listener.on_ws_close(ws_close::protocol_error, "bad close frame", true);
        std::uint16_t code = 1005;  // none given
        std::string_view reason;
        if (control_.size() >= 2) {
            code = static_cast<std::uint16_t>(static_cast<unsigned char>(control_[0]) << 8U |
                                              static_cast<unsigned char>(control_[1]));
            reason = std::string_view{control_}.substr(2);
            if (!is_sendable_code(code)) return listener.on_ws_close(ws_close::protocol_error, "bad close code", true);
            if (!is_valid_utf8(reason)) return listener.on_ws_close(ws_close::invalid_data, "close reason not UTF-8", true);
        }
        listener.on_ws_close(code, reason, false);
        break;
    }
    default:
        if (!fin_) return;  // more fragments to come
        in_message_ = false;
        // Text must be UTF-8 (RFC 6455 §8.1); binary is taken as text too, by
        // terminal-style web clients, and must be the same.
        if (!is_valid_utf8(message_)) return violate(listener, ws_close::invalid_data, "a message that is not UTF-8");
        listener.on_ws_message(message_);
        wipe(message_);  // it may have been a password
        break;
    }
}


WebSocketSnapshot WebSocketFramer::snapshot() const {
    return {.state = static_cast<std::uint8_t>(state_),
            .header = std::string(reinterpret_cast<const char*>(header_), header_have_),
            .header_need = static_cast<std::uint32_t>(header_need_),
            .opcode = static_cast<std::uint8_t>(opcode_),
            .fin = fin_,
            .mask = std::string(reinterpret_cast<const char*>(mask_), sizeof mask_),
            .payload_left = payload_left_,
            .payload_done = payload_done_,
            .in_message = in_message_,
            .message = message_,
            .control = control_};
}

void WebSocketFramer::restore(const WebSocketSnapshot& snapshot) {
    // Values out of range (a damaged file) start the framer over rather
    // than read past its buffers.
    const bool sane = snapshot.state <= static_cast<std::uint8_t>(State::closed) &&
                      snapshot.header.size() <= sizeof header_ && snapshot.header_need <= sizeof header_ &&
                      snapshot.header.size() <= snapshot.header_need && snapshot.mask.size() == sizeof mask_ &&
                      snapshot.message.size() <= max_message_ && snapshot.control.size() <= 125;
    if (!sane) {
        *this = WebSocketFramer{max_message_};
        return;
    }
    state_ = static_cast<State>(snapshot.state);
    std::copy(snapshot.header.begin(), snapshot.header.end(), header_);
    header_have_ = snapshot.header.size();
    header_need_ = snapshot.header_need;
    opcode_ = static_cast<Opcode>(snapshot.opcode);
    fin_ = snapshot.fin;
    // A fixed-size copy (the size was checked above): g++ 12 at -O3 does not
    // see that check and rejects std::copy here as an overflow.
    std::memcpy(mask_, snapshot.mask.data(), sizeof mask_);
    payload_left_ = snapshot.payload_left;
    payload_done_ = snapshot.payload_done;
    in_message_ = snapshot.in_message;
    message_ = snapshot.message;
    control_ = snapshot.control;
}

}  // namespace natter
