// bench/telnet_filter.cpp — the telnet state machine of TelnetFilter.
#include "bench/telnet_filter.hpp"

#include <cstring>

namespace natter::bench {

void TelnetFilter::command(unsigned char byte, std::string& text, TelnetCounts& counts) {
    switch (byte) {
    case telnet::iac:
        text.push_back(static_cast<char>(telnet::iac));  // an escaped data byte
        state_ = State::text;
        return;
    case telnet::will:
    case telnet::wont:
    case telnet::do_:
    case telnet::dont:
        ++counts.negotiations;
        state_ = State::option;
        return;
    case telnet::sb:
        state_ = State::sb_option;
        return;
    case telnet::ga:
    case telnet::eor:
        // A prompt left open for the answer: a line of its own, as a MUD
        // client shows it, so the next line is not glued to it.
        ++counts.commands;
        text.push_back('\n');
        state_ = State::text;
        return;
    default:
        ++counts.commands;  // NOP, a stray SE, ...: nothing to show
        state_ = State::text;
        return;
    }
}

TelnetFilter::Fed TelnetFilter::feed(std::string_view in, std::string& text, TelnetCounts& counts) {
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    const auto* const begin = p;
    const auto* const end = p + in.size();
    while (p < end) {
        switch (state_) {
        case State::text: {
            // Runs of text are copied whole; only IAC needs a look.
            const auto* iac = static_cast<const unsigned char*>(std::memchr(p, telnet::iac, static_cast<std::size_t>(end - p)));
            const auto* stop = iac == nullptr ? end : iac;
            text.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(stop - p));
            p = stop;
            if (iac != nullptr) {
                state_ = State::iac;
                ++p;
            }
            break;
        }
        case State::iac:
            command(*p++, text, counts);
            break;
        case State::option:
            ++p;  // which option does not matter to the text
            state_ = State::text;
            break;
        case State::sb_option:
            sb_option_ = *p++;
            sb_empty_ = true;
            state_ = State::sb_data;
            break;
        case State::sb_data: {
            const auto* iac = static_cast<const unsigned char*>(std::memchr(p, telnet::iac, static_cast<std::size_t>(end - p)));
            const auto* stop = iac == nullptr ? end : iac;
            if (stop != p) sb_empty_ = false;
            p = stop;
            if (iac != nullptr) {
                state_ = State::sb_iac;
                ++p;
            }
            break;
        }
        case State::sb_iac: {
            const unsigned char byte = *p++;
            if (byte == telnet::iac) {
                sb_empty_ = false;  // an escaped 0xFF in the payload
                state_ = State::sb_data;
                break;
            }
            ++counts.subnegotiations;
            if (sb_option_ == telnet::gmcp) ++counts.gmcp_messages;
            if (byte != telnet::se) {
                // A command inside a subnegotiation ends it (as libtelnet
                // and most clients take it) and then counts as itself.
                command(byte, text, counts);
                break;
            }
            state_ = State::text;
            if (sb_option_ == telnet::mccp2 && sb_empty_) {
                return Fed{static_cast<std::size_t>(p - begin), true};
            }
            break;
        }
        }
    }
    return Fed{in.size(), false};
}

}  // namespace natter::bench
