// bench/telnet_filter.hpp — the client's side of telnet for the load
// generator: takes the bytes a server sends, split anywhere, and keeps only
// the text, so chat lines are classified the same whether or not the
// server mixes telnet commands, GMCP messages and prompt marks into them.
// It also finds the MCCP2 start marker, after which the bytes are deflated
// (WireDecoder inflates them). It answers nothing and does no I/O: the
// generator's clients ask for options themselves and never refuse one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace natter::bench {

// Telnet bytes the filter acts on (RFC 854, RFC 885, MCCP2, GMCP).
namespace telnet {
inline constexpr unsigned char iac = 255;
inline constexpr unsigned char dont = 254;
inline constexpr unsigned char do_ = 253;
inline constexpr unsigned char wont = 252;
inline constexpr unsigned char will = 251;
inline constexpr unsigned char sb = 250;
inline constexpr unsigned char ga = 249;
inline constexpr unsigned char se = 240;
inline constexpr unsigned char eor = 239;
inline constexpr unsigned char mccp2 = 86;
inline constexpr unsigned char gmcp = 201;
}  // namespace telnet

// What the filter took out of the stream, summed over every connection
// that shares it (plain counters: one generator thread).
struct TelnetCounts {
    std::uint64_t commands = 0;         // IAC <verb>, GA and EOR among them
    std::uint64_t negotiations = 0;     // IAC WILL/WONT/DO/DONT <option>
    std::uint64_t subnegotiations = 0;  // IAC SB ... IAC SE, GMCP among them
    std::uint64_t gmcp_messages = 0;    // subnegotiations of option 201
};

class TelnetFilter {
public:
    struct Fed {
        std::size_t consumed = 0;         // bytes of the input taken
        bool compression_starts = false;  // the input stopped right after IAC SB MCCP2 IAC SE
    };

    // Appends the text in `in` to `text`: IAC IAC becomes one 0xFF byte,
    // IAC GA and IAC EOR (a prompt mark) end a line as '\n' does, and every
    // other command, negotiation and subnegotiation is dropped. Stops right
    // after an MCCP2 start marker, because what follows it is deflated.
    Fed feed(std::string_view in, std::string& text, TelnetCounts& counts);

    // Between sequences: input without an IAC byte is all text, as it is.
    [[nodiscard]] bool in_text() const noexcept { return state_ == State::text; }

private:
    enum class State : std::uint8_t { text, iac, option, sb_option, sb_data, sb_iac };

    // The byte after an IAC outside a subnegotiation.
    void command(unsigned char byte, std::string& text, TelnetCounts& counts);

    State state_ = State::text;
    unsigned char sb_option_ = 0;
    bool sb_empty_ = true;  // no payload byte yet (the MCCP2 marker has none)
};

}  // namespace natter::bench
