#include "src/disconnect_kind.hpp"

namespace natter {

DisconnectKind classify_disconnect(std::string_view reason) {
    using enum DisconnectKind;
    struct Rule {
        std::string_view text;
        bool prefix;
        DisconnectKind kind;
    };
    // The reasons given by Session, World, the rooms, the commands, the
    // output pacer and the network layer.
    static constexpr std::array<Rule, 22> rules{{
        {"logout", false, quit},
        {"peer closed", true, dropped},
        {"connection gone", false, dropped},
        {"no answer to ping", false, dropped},
        {"output buffer full", false, output_full},
        {"stalled:", true, stalled},
        {"too slow:", true, too_slow},
        {"flooding", false, flood},
        {"idle timeout", false, idle},
        {"login timeout", false, login_timeout},
        {"kicked by ", true, kicked},
        {"banned", true, banned},
        {"refused: banned", true, banned},
        {"too many failed logins", false, locked_out},
        {"refused", false, refused},
        {"taken over", false, taken_over},
        {"client-started compression", false, protocol},
        {"oversized telnet subnegotiations", false, protocol},
        {"websocket: ", true, protocol},
        {"request head timeout", false, protocol},
        {"server shutdown", false, shutdown},
        {"restart: TLS cannot cross", false, shutdown},
    }};
    for (const auto& rule : rules) {
        if (rule.prefix ? reason.starts_with(rule.text) : reason == rule.text) return rule.kind;
    }
    // TlsStream's reasons, and its handshake timeout.
    if (reason.starts_with("TLS ") || reason.find("TLS handshake") != std::string_view::npos) return protocol;
    return dropped;
}

std::string_view disconnect_kind_name(DisconnectKind kind) {
    static constexpr std::array<std::string_view, disconnect_kind_count> names{
        "quit",   "dropped", "output_full", "stalled",    "too_slow", "flood",      "idle",    "login_timeout",
        "kicked", "banned",  "locked_out",  "refused",    "taken_over", "protocol", "shutdown"};
    return names[static_cast<std::size_t>(kind)];
}

}  // namespace natter
