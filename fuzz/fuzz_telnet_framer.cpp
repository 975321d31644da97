// Fuzz target for the byte end of a connection: Telnet and LineFramer fed
// arbitrary bytes, then every line through sanitize(). The input is a
// header (line limit, split position) and the peer's bytes.
//
// Checks: no line is longer than the limit or holds CR or LF; sanitize()
// keeps its promise and is idempotent; no subnegotiation handed on passes
// its option's bound; the same bytes split at any position give the same
// lines, commands, replies, subnegotiations and violations as unsplit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "fuzz/fuzz_checks.hpp"
#include "src/line_framer.hpp"
#include "src/telnet.hpp"
#include "src/text.hpp"

namespace natter::fuzz {
namespace {

// What came out of the core, in order, as one string per event.
using Events = std::vector<std::string>;

// Stands in for Session: telnet data goes to the framer, editing commands
// act on it as Session does, and everything is recorded.
class Recorder final : private TelnetListener, private LineSink {
public:
    explicit Recorder(std::size_t max_bytes) : max_bytes_{max_bytes}, framer_{max_bytes} {}

    void receive_telnet(std::string_view bytes) { telnet_.receive(bytes, *this); }
    void receive_plain(std::string_view bytes) {
        framer_.feed(bytes, *this);
        check_partial();
    }
    [[nodiscard]] const Events& events() const { return events_; }

private:
    void on_telnet_data(std::string_view bytes) override {
        framer_.feed(bytes, *this);
        check_partial();
    }
    void on_telnet_send(std::string_view bytes) override { events_.push_back("send " + std::string{bytes}); }
    void on_telnet_command(unsigned char command) override {
        events_.push_back("command " + std::to_string(command));
        if (command == telnet_cmd::ec) {
            framer_.erase_character();
        } else if (command == telnet_cmd::el || command == telnet_cmd::ip || command == telnet_cmd::brk) {
            framer_.erase_line();
        }
        check_partial();
    }
    void on_telnet_violation(TelnetViolation violation, unsigned char option, unsigned count) override {
        events_.push_back("violation " + std::to_string(static_cast<int>(violation)) + " " + std::to_string(option) +
                          " " + std::to_string(count));
    }
    // Even options are accepted and odd ones refused, so both paths run.
    bool telnet_accepts(unsigned char option, TelnetSide) override { return option % 2 == 0; }
    void on_telnet_option(unsigned char option, TelnetSide side, bool enabled) override {
        events_.push_back("option " + std::to_string(option) + (side == TelnetSide::local ? " local " : " remote ") +
                          (enabled ? "on" : "off"));
    }
    void on_telnet_subnegotiation(unsigned char option, std::string_view payload) override {
        check(payload.size() <= Telnet::max_subnegotiation_bytes(option), "subnegotiation over its bound");
        events_.push_back("sb " + std::to_string(option) + " " + std::string{payload});
    }
    void on_line(std::string_view raw) override {
        check(raw.size() <= max_bytes_, "line longer than the limit");
        check(raw.find_first_of("\r\n") == std::string_view::npos, "line holds CR or LF");
        const auto clean = sanitize(raw);
        check(is_sanitized(clean), "sanitize() output breaks its contract");
        check(sanitize(clean) == clean, "sanitize() is not idempotent");
        events_.push_back("line " + std::string{raw});
    }
    void on_overlong_line() override { events_.emplace_back("overlong"); }

    void check_partial() const { check(framer_.partial_size() <= max_bytes_, "partial line over the limit"); }

    std::size_t max_bytes_;
    Telnet telnet_;
    LineFramer framer_;
    Events events_;
};

// Telnet data events may be cut anywhere; what the framer makes of them must not.
Events run_telnet(std::size_t max_bytes, std::string_view bytes, std::size_t split) {
    Recorder recorder{max_bytes};
    recorder.receive_telnet(bytes.substr(0, split));
    recorder.receive_telnet(bytes.substr(split));
    return recorder.events();
}

Events run_plain(std::size_t max_bytes, std::string_view bytes, std::size_t split) {
    Recorder recorder{max_bytes};
    recorder.receive_plain(bytes.substr(0, split));
    recorder.receive_plain(bytes.substr(split));
    return recorder.events();
}

}  // namespace
}  // namespace natter::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace natter::fuzz;
    if (size < 3) return 0;
    const std::size_t max_bytes = 1 + data[0];
    const std::size_t split_seed = static_cast<std::size_t>(data[1]) << 8U | data[2];
    const std::string_view bytes{reinterpret_cast<const char*>(data + 3), size - 3};
    const std::size_t split = split_seed % (bytes.size() + 1);

    const auto telnet_whole = run_telnet(max_bytes, bytes, bytes.size());
    const auto telnet_split = run_telnet(max_bytes, bytes, split);
    check(telnet_whole == telnet_split, "telnet: splitting the input changed the result");

    check(run_plain(max_bytes, bytes, bytes.size()) == run_plain(max_bytes, bytes, split),
          "framer: splitting the input changed the lines");
    return 0;
}
