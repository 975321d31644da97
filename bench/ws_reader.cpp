// bench/ws_reader.cpp — the upgrade response and server frames.
#include "bench/ws_reader.hpp"

#include "bench/ws_frame_writer.hpp"

#include <algorithm>

namespace natter::bench {
namespace {

struct Header {
    bool fin = false;
    bool rsv = false;
    bool masked = false;
    std::uint8_t opcode = 0;
    std::size_t header_bytes = 0;
    std::uint64_t payload_bytes = 0;
};

// False while `bytes` does not yet hold the whole header.
bool parse_header(std::string_view bytes, Header& h) {
    if (bytes.size() < 2) {
        return false;
    }
    const auto b0 = static_cast<unsigned char>(bytes[0]);
    const auto b1 = static_cast<unsigned char>(bytes[1]);
    h.fin = (b0 & 0x80U) != 0;
    h.rsv = (b0 & 0x70U) != 0;
    h.opcode = static_cast<std::uint8_t>(b0 & 0x0FU);
    h.masked = (b1 & 0x80U) != 0;
    const unsigned len7 = b1 & 0x7FU;
    std::size_t n = 2;
    std::size_t extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    if (bytes.size() < n + extended + (h.masked ? 4 : 0)) {
        return false;
    }
    h.payload_bytes = len7;
    if (extended != 0) {
        h.payload_bytes = 0;
        for (std::size_t i = 0; i < extended; ++i) {
            h.payload_bytes = (h.payload_bytes << 8) | static_cast<unsigned char>(bytes[n + i]);
        }
    }
    n += extended + (h.masked ? 4 : 0);
    h.header_bytes = n;
    return true;
}

bool is_control(std::uint8_t opcode) { return (opcode & 0x08U) != 0; }

}  // namespace

WsReader::Step WsReader::fail(std::string why) {
    failed_ = true;
    error_ = std::move(why);
    return Step::error;
}

WsReader::Step WsReader::read_head(std::string_view& raw) {
    const std::size_t before = head_.size();
    head_.append(raw);
    const std::size_t from = before >= 3 ? before - 3 : 0;
    const std::size_t end = head_.find("\r\n\r\n", from);
    if (end == std::string::npos) {
        raw = {};
        if (head_.size() > max_head_bytes) {
            return fail("upgrade response head over 16 KiB");
        }
        return Step::more;
    }
    const std::size_t head_size = end + 4;
    // What followed the head in this read is the first frames.
    raw = raw.substr(raw.size() - (head_.size() - head_size));
    const std::string_view status_line = std::string_view{head_}.substr(0, head_.find("\r\n"));
    if (!status_line.starts_with("HTTP/1.1 101")) {
        return fail("upgrade refused: " + std::string{status_line.substr(0, 120)});
    }
    upgraded_ = true;
    head_.clear();
    head_.shrink_to_fit();
    return Step::upgraded;
}

WsReader::Step WsReader::next(std::string_view& raw, WsMessage& message) {
    if (failed_) {
        return Step::error;
    }
    if (release_frame_) {
        frame_.clear();
        release_frame_ = false;
    }
    if (release_message_) {
        message_.clear();
        release_message_ = false;
    }
    if (!upgraded_) {
        return read_head(raw);
    }
    for (;;) {
        Header h;
        std::string_view frame;
        if (!frame_.empty()) {
            // Complete the frame carried from an earlier read.
            while (!parse_header(frame_, h)) {
                if (raw.empty()) {
                    return Step::more;
                }
                frame_.push_back(raw.front());
                raw.remove_prefix(1);
            }
            if (h.payload_bytes > max_message_bytes) {
                return fail("server frame over 1 MiB");
            }
            const std::size_t total = h.header_bytes + static_cast<std::size_t>(h.payload_bytes);
            const std::size_t take = std::min(raw.size(), total - frame_.size());
            frame_.append(raw.substr(0, take));
            raw.remove_prefix(take);
            if (frame_.size() < total) {
                return Step::more;
            }
            frame = frame_;
            release_frame_ = true;
        } else {
            if (raw.empty()) {
                return Step::more;
            }
            if (!parse_header(raw, h)) {
                frame_.assign(raw);
                raw = {};
                return Step::more;
            }
            if (h.payload_bytes > max_message_bytes) {
                return fail("server frame over 1 MiB");
            }
            const std::size_t total = h.header_bytes + static_cast<std::size_t>(h.payload_bytes);
            if (raw.size() < total) {
                frame_.assign(raw);
                raw = {};
                return Step::more;
            }
            frame = raw.substr(0, total);
            raw.remove_prefix(total);
        }
        if (h.masked) {
            return fail("masked frame from the server");
        }
        if (h.rsv) {
            return fail("RSV bit set (no extension was agreed)");
        }
        const std::string_view payload = frame.substr(h.header_bytes);
        if (is_control(h.opcode)) {
            if (h.opcode != ws::op_close && h.opcode != ws::op_ping && h.opcode != ws::op_pong) {
                return fail("reserved control opcode " + std::to_string(h.opcode));
            }
            if (!h.fin || payload.size() > 125) {
                return fail("fragmented or over-long control frame");
            }
            message = WsMessage{h.opcode, payload};
            return Step::message;
        }
        if (h.opcode == ws::op_continuation) {
            if (message_opcode_ == 0) {
                return fail("continuation frame with no message begun");
            }
            if (message_.size() + payload.size() > max_message_bytes) {
                return fail("server message over 1 MiB");
            }
            message_.append(payload);
        } else if (h.opcode == ws::op_text || h.opcode == ws::op_binary) {
            if (message_opcode_ != 0) {
                return fail("new message inside a fragmented one");
            }
            if (h.fin) {
                message = WsMessage{h.opcode, payload};
                return Step::message;
            }
            message_opcode_ = h.opcode;
            message_.assign(payload);
        } else {
            return fail("reserved data opcode " + std::to_string(h.opcode));
        }
        if (release_frame_) {
            // Copied into message_: the carried frame is done with.
            frame_.clear();
            release_frame_ = false;
        }
        if (h.fin) {
            message = WsMessage{message_opcode_, message_};
            message_opcode_ = 0;
            release_message_ = true;
            return Step::message;
        }
    }
}

}  // namespace natter::bench
