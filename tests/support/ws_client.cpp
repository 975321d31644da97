#include "tests/support/ws_client.hpp"

#include <chrono>

namespace natter::test {
namespace {

constexpr unsigned char mask_key[4] = {0xA5, 0x17, 0x3C, 0xE2};

}  // namespace

std::uint16_t WsFrame::close_code() const {
    if (payload.size() < 2) return 1005;
    return static_cast<std::uint16_t>(static_cast<unsigned char>(payload[0]) << 8U |
                                      static_cast<unsigned char>(payload[1]));
}

std::string WsFrame::close_reason() const { return payload.size() < 2 ? std::string{} : payload.substr(2); }

std::string ws_client_frame(unsigned first_byte, std::string_view payload, bool masked) {
    std::string out;
    out.push_back(static_cast<char>(first_byte));
    const unsigned mask_bit = masked ? 0x80U : 0U;
    const auto size = payload.size();
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
    if (masked) out.append(reinterpret_cast<const char*>(mask_key), 4);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(masked ? static_cast<char>(static_cast<unsigned char>(payload[i]) ^ mask_key[i % 4])
                             : payload[i]);
    }
    return out;
}

WsClient::WsClient(std::uint16_t port, std::string_view source_address) : tcp_{port, source_address} {}

int WsClient::request(std::string_view request, Millis timeout) {
    if (!tcp_.send(request, timeout)) return 0;
    const auto got = tcp_.read_raw_until("\r\n\r\n", timeout);
    if (!got) return 0;
    const auto end = got->find("\r\n\r\n") + 4;
    head_ = got->substr(0, end);
    inbox_ = got->substr(end);
    if (!head_.starts_with("HTTP/1.1 ") || head_.size() < 12) return 0;
    return std::stoi(head_.substr(9, 3));
}

int WsClient::upgrade(std::string_view extra, Millis timeout) {
    std::string request =
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    request.append(extra);
    request.append("\r\n");
    return this->request(request, timeout);
}

std::string WsClient::read_body(Millis timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string body = std::move(inbox_);
    inbox_.clear();
    while (!tcp_.peer_closed() && std::chrono::steady_clock::now() < deadline) {
        body += tcp_.read_raw(Millis{100});
    }
    return body;
}

std::optional<WsFrame> WsClient::take_frame() {
    if (inbox_.size() < 2) return std::nullopt;
    const auto b0 = static_cast<unsigned char>(inbox_[0]);
    const auto b1 = static_cast<unsigned char>(inbox_[1]);
    std::size_t at = 2;
    std::uint64_t length = b1 & 0x7FU;
    if (length == 126) {
        if (inbox_.size() < 4) return std::nullopt;
        length = static_cast<std::uint64_t>(static_cast<unsigned char>(inbox_[2])) << 8U |
                 static_cast<unsigned char>(inbox_[3]);
        at = 4;
    } else if (length == 127) {
        if (inbox_.size() < 10) return std::nullopt;
        length = 0;
        for (int i = 0; i < 8; ++i) length = length << 8U | static_cast<unsigned char>(inbox_[2 + i]);
        at = 10;
    }
    const bool masked = (b1 & 0x80U) != 0;
    if (masked) at += 4;
    if (inbox_.size() < at + length) return std::nullopt;
    WsFrame frame{.fin = (b0 & 0x80U) != 0, .opcode = b0 & 0x0FU, .masked = masked,
                  .payload = inbox_.substr(at, length)};
    inbox_.erase(0, at + length);
    return frame;
}

std::optional<WsFrame> WsClient::read_frame(Millis timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (auto frame = take_frame()) {
            seen_.push_back(*frame);
            return frame;
        }
        const auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        if (left <= Millis{0} || tcp_.peer_closed()) return std::nullopt;
        inbox_ += tcp_.read_raw(left);
    }
}

std::optional<std::string> WsClient::read_text_until(const std::function<bool(std::string_view)>& match,
                                                     Millis timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        if (left <= Millis{0}) return std::nullopt;
        const auto frame = read_frame(left);
        if (!frame) return std::nullopt;
        if (frame->opcode == 9) tcp_.send(ws_client_frame(0x8A, frame->payload));
        if (frame->opcode == 1 && match(frame->payload)) return frame->payload;
    }
}

std::optional<WsFrame> WsClient::expect_close(Millis timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        if (left <= Millis{0}) return std::nullopt;
        auto frame = read_frame(left);
        if (!frame) return std::nullopt;
        if (frame->opcode == 8) return frame;
    }
}

}  // namespace natter::test
