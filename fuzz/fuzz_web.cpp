// Fuzz target for a web listener's connection: WebEndpoint (the HTTP
// request parser, natter's answer, then the WebSocket framer) fed arbitrary
// bytes. The input is a header (mode, message limit, split position) and the
// peer's bytes; in one mode a valid upgrade head goes first, so the fuzzer
// spends its time on frames.
//
// Checks: an answer is one HTTP response head with a status line; every
// message handed to the session is valid UTF-8 and within the limit; nothing
// comes after the close; every frame natter sends parses as an unmasked
// server frame, a control frame within 125 bytes; the same bytes split at
// any position give the same answer, messages, frames and close.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "fuzz/fuzz_checks.hpp"
#include "src/config.hpp"
#include "src/web_endpoint.hpp"

namespace natter::fuzz {
namespace {

constexpr std::string_view upgrade_head =
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

// Each server frame in `bytes` is well formed; returns false if not.
bool valid_server_frames(std::string_view bytes) {
    while (!bytes.empty()) {
        if (bytes.size() < 2) return false;
        const auto b0 = static_cast<unsigned char>(bytes[0]);
        const auto b1 = static_cast<unsigned char>(bytes[1]);
        if ((b0 & 0x80U) == 0 || (b0 & 0x70U) != 0 || (b1 & 0x80U) != 0) return false;  // FIN, no RSV, unmasked
        const unsigned opcode = b0 & 0x0FU;
        if (opcode != 1 && opcode != 8 && opcode != 9 && opcode != 10) return false;
        std::uint64_t length = b1 & 0x7FU;
        std::size_t at = 2;
        if (length == 126) {
            if (bytes.size() < 4) return false;
            length = static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[2])) << 8U |
                     static_cast<unsigned char>(bytes[3]);
            at = 4;
        } else if (length == 127) {
            return false;  // nothing natter sends here is that long
        }
        if (opcode >= 8 && length > 125) return false;
        if (bytes.size() < at + length) return false;
        bytes.remove_prefix(at + length);
    }
    return true;
}

class Host final : public WebHost {
public:
    explicit Host(std::size_t max_message) : max_message_{max_message} {}

    void on_web_upgrade(std::string_view address, bool proxy_tls) override {
        check(!upgraded_, "upgraded twice");
        upgraded_ = true;
        events_.push_back("upgrade " + std::string{address} + (proxy_tls ? " tls" : ""));
    }
    void on_web_message(std::string_view text) override {
        check(upgraded_, "a message before the upgrade");
        check(!closed_, "a message after the close");
        check(text.size() <= max_message_, "a message over the limit");
        check(is_valid_utf8(text), "a message that is not UTF-8");
        events_.push_back("message " + std::string{text});
    }
    void web_send(std::string_view bytes) override {
        check(valid_server_frames(bytes), "a malformed server frame");
        sent_.append(bytes);
    }
    void on_web_closed(std::string_view reason) override {
        check(!closed_, "closed twice");
        closed_ = true;
        events_.push_back("closed " + std::string{reason});
    }
    std::string web_metrics() override { return "natter_fuzz 1\n"; }

    [[nodiscard]] const std::vector<std::string>& events() const { return events_; }
    [[nodiscard]] const std::string& sent() const { return sent_; }

private:
    std::size_t max_message_;
    bool upgraded_ = false;
    bool closed_ = false;
    std::vector<std::string> events_;
    std::string sent_;
};

struct Outcome {
    std::string answer;
    std::vector<std::string> events;
    std::string sent;
    bool finished = false;

    bool operator==(const Outcome&) const = default;
};

Outcome run(const Config& config, std::string_view bytes, std::size_t split) {
    WebEndpoint endpoint{"192.0.2.1", WebEndpoint::Clock::time_point{}};
    Host host{config.limits.line_max_bytes};
    endpoint.receive(bytes.substr(0, split), config, host);
    endpoint.receive(bytes.substr(split), config, host);
    const auto& answer = endpoint.output();
    if (!answer.empty()) {
        check(answer.starts_with("HTTP/1.1 "), "an answer without a status line");
        check(answer.find("\r\n\r\n") != std::string::npos, "an answer without the end of its head");
    }
    if (!endpoint.upgraded()) check(host.events().empty() && host.sent().empty(), "WebSocket traffic before 101");
    return {answer, host.events(), host.sent(), endpoint.finished()};
}

}  // namespace
}  // namespace natter::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace natter::fuzz;
    if (size < 4) return 0;
    natter::Config config;
    const bool after_upgrade = (data[0] & 1U) != 0;
    config.limits.line_max_bytes = 1 + static_cast<std::size_t>(data[1]) * 16;
    const std::size_t split_seed = static_cast<std::size_t>(data[2]) << 8U | data[3];
    std::string bytes;
    if (after_upgrade) bytes = upgrade_head;
    bytes.append(reinterpret_cast<const char*>(data + 4), size - 4);
    const std::size_t split = split_seed % (bytes.size() + 1);

    const auto whole = run(config, bytes, bytes.size());
    check(whole == run(config, bytes, split), "web: splitting the input changed the result");
    return 0;
}
