// Why sessions end, in the few kinds /metrics counts them by. The reasons
// themselves stay free text (they go to the log as they are); this sorts
// them once, when a session is disconnected.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace natter {

enum class DisconnectKind : unsigned char {
    quit,           // the user typed logout (quit)
    dropped,        // the peer went away: EOF, a socket error, no answer to pings
    output_full,    // its output passed [limits] output_buffer_bytes
    stalled,        // it took no output for stall_timeout_s while output waited
    too_slow,       // it kept everyone's input waiting (the output pacer)
    flood,          // past flood control
    idle,           // [limits] idle_timeout_s
    login_timeout,  // never logged in within login_timeout_s
    kicked,         // an operator's kick
    banned,         // a banned name or address
    locked_out,     // too many failed logins
    refused,        // server full, or too many from its address
    taken_over,     // a new login of the same account took its place
    protocol,       // broke the telnet, WebSocket or TLS rules, or sent no request
    shutdown,       // the server stopped
};
inline constexpr std::size_t disconnect_kind_count = static_cast<std::size_t>(DisconnectKind::shutdown) + 1;

// The kind of a disconnect reason as natter gives it; reasons from the OS
// or the TLS library (errno texts) count as dropped.
[[nodiscard]] DisconnectKind classify_disconnect(std::string_view reason);

// The kind's label value: "quit", "output_full", …
[[nodiscard]] std::string_view disconnect_kind_name(DisconnectKind kind);

}  // namespace natter
