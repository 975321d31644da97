#include "src/telnet_negotiation.hpp"

#include <charconv>

#include "src/text.hpp"

namespace natter::negotiation {
namespace {

// TTYPE (RFC 1091) and CHARSET (RFC 2066) subnegotiation commands.
constexpr char ttype_is = 0;
constexpr char ttype_send = 1;
constexpr char charset_request = 1;
constexpr char charset_accepted = 2;
constexpr char charset_rejected = 3;
// NEW-ENVIRON (RFC 1572).
constexpr char env_is = 0;
constexpr char env_send = 1;
constexpr char env_info = 2;
constexpr char env_var = 0;
constexpr char env_value = 1;
constexpr char env_esc = 2;
constexpr char env_uservar = 3;

// How many times TTYPE SEND is asked at most: name, terminal, MTTS, and
// one more to see a repeat.
constexpr std::uint8_t max_ttype_rounds = 4;

// CHARSET progress (ClientProfile::charset_phase).
enum : std::uint8_t { charset_idle = 0, charset_requested = 1, charset_settled = 2 };

void send_sb(NegotiationHost& host, unsigned char option, std::string_view payload) {
    host.on_telnet_send(Telnet::subnegotiation(option, payload));
}

void request_charset(ClientProfile& profile, NegotiationHost& host) {
    if (profile.charset_phase != charset_idle) return;
    profile.charset_phase = charset_requested;
    // natter keeps UTF-8 inside: it asks for that alone (never an empty list).
    send_sb(host, telnet_opt::charset, std::string{charset_request} + ";UTF-8");
}

void maybe_start_compression(ClientProfile& profile, NegotiationHost& host) {
    // Not during the TTYPE cycle: Mudlet's TTYPE answers go wrong once MCCP is on.
    const bool ttype_busy = profile.ttype == ClientProfile::Ttype::asked || profile.ttype == ClientProfile::Ttype::cycling;
    if (profile.mccp_wanted && !ttype_busy && !profile.mccp.active()) host.on_compression(true);
}

void end_ttype(ClientProfile& profile, NegotiationHost& host) {
    profile.ttype = ClientProfile::Ttype::over;
    maybe_start_compression(profile, host);
}

bool is_utf8_name(std::string_view name) { return ascii_lower(trim(name)) == "utf-8"; }

std::optional<std::uint32_t> parse_number(std::string_view text) {
    std::uint32_t value = 0;
    text = trim(text);
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

void on_ttype(ClientProfile& profile, NegotiationHost& host, std::string_view payload) {
    if (payload.empty() || payload.front() != ttype_is || profile.ttype != ClientProfile::Ttype::cycling) return;
    auto name = clean_name(payload.substr(1));
    if (ascii_lower(name).starts_with("mtts ")) {
        if (const auto bits = parse_number(std::string_view{name}.substr(5))) profile.mtts = *bits;
        end_ttype(profile, host);
    } else if (!profile.terminal_types.empty() && profile.terminal_types.back() == name) {
        end_ttype(profile, host);  // a repeat: the client's list is done
    } else {
        profile.terminal_types.push_back(std::move(name));
        if (profile.ttype_rounds >= max_ttype_rounds) {
            end_ttype(profile, host);
        } else {
            ++profile.ttype_rounds;
            send_sb(host, telnet_opt::ttype, std::string{ttype_send});
        }
    }
    host.on_profile_changed();
}

void on_charset(ClientProfile& profile, NegotiationHost& host, std::string_view payload) {
    if (payload.empty()) return;
    const char command = payload.front();
    const auto rest = payload.substr(1);
    if (command == charset_accepted) {
        profile.charset = is_utf8_name(rest) ? Charset::utf8 : Charset::ascii;
        profile.charset_phase = charset_settled;
    } else if (command == charset_rejected) {
        profile.charset = Charset::ascii;
        profile.charset_phase = charset_settled;
    } else if (command == charset_request) {
        // A client's own REQUEST. If ours crossed it, RFC 2066 has the server
        // refuse the client's and the client answer the server's.
        if (profile.charset_phase == charset_requested) {
            send_sb(host, telnet_opt::charset, std::string{charset_rejected});
            return;
        }
        // "<sep>name<sep>name…", maybe after "[TTABLE]<version>".
        auto list = rest;
        if (list.starts_with("[TTABLE]") && list.size() > 9) list.remove_prefix(9);
        bool offered_utf8 = false;
        if (!list.empty()) {
            const char separator = list.front();
            list.remove_prefix(1);
            while (!list.empty() && !offered_utf8) {
                const auto end = list.find(separator);
                offered_utf8 = is_utf8_name(list.substr(0, end));
                list = end == std::string_view::npos ? std::string_view{} : list.substr(end + 1);
            }
        }
        if (offered_utf8) {
            send_sb(host, telnet_opt::charset, std::string{charset_accepted} + "UTF-8");
            profile.charset = Charset::utf8;
        } else {
            send_sb(host, telnet_opt::charset, std::string{charset_rejected});
            profile.charset = Charset::ascii;
        }
        profile.charset_phase = charset_settled;
    } else {
        return;  // TTABLE-IS and the like: natter keeps no translation tables
    }
    host.on_profile_changed();
}

// One NEW-ENVIRON variable the client told.
void on_environ_variable(ClientProfile& profile, std::string_view name, std::string_view value) {
    const bool yes = trim(value) == "1";
    if (name == "CLIENT_NAME") {
        profile.client_name = clean_name(value);
    } else if (name == "CLIENT_VERSION") {
        profile.client_version = clean_name(value);
    } else if (name == "MTTS") {
        if (!profile.mtts) profile.mtts = parse_number(value);  // TTYPE's, when told, comes first
    } else if (name == "SCREEN_READER") {
        profile.env_screen_reader = yes;
    } else if (name == "TRUECOLOR" && yes) {
        profile.env_colour = ColourDepth::truecolor;
    } else if (name == "256_COLORS" && yes && profile.env_colour < ColourDepth::ansi256) {
        profile.env_colour = ColourDepth::ansi256;
    } else if (name == "ANSI" && yes && profile.env_colour < ColourDepth::ansi16) {
        profile.env_colour = ColourDepth::ansi16;
    } else if (name == "CHARSET" && is_utf8_name(value) && profile.charset == Charset::unknown) {
        profile.charset = Charset::utf8;
    }
    // IPADDRESS is not believed: anyone could claim any address.
}

void on_new_environ(ClientProfile& profile, NegotiationHost& host, std::string_view payload) {
    if (payload.empty() || (payload.front() != env_is && payload.front() != env_info)) return;
    // VAR|USERVAR name [VALUE value], ESC quoting the type bytes. An empty
    // name (tintin++ repeats the IS byte) is skipped.
    std::string name;
    std::string value;
    bool in_value = false;
    bool have = false;
    const auto done = [&] {
        if (have && !name.empty()) on_environ_variable(profile, name, value);
        name.clear();
        value.clear();
        in_value = false;
        have = false;
    };
    for (std::size_t i = 1; i < payload.size(); ++i) {
        const char c = payload[i];
        if (c == env_var || c == env_uservar) {
            done();
            have = true;
        } else if (c == env_value) {
            in_value = true;
        } else {
            char byte = c;
            if (c == env_esc && i + 1 < payload.size()) byte = payload[++i];
            (in_value ? value : name).push_back(byte);
        }
    }
    done();
    host.on_profile_changed();
}

void on_naws(ClientProfile& profile, NegotiationHost& host, std::string_view payload) {
    if (payload.size() != 4) return;  // exactly two 16-bit numbers, or nothing
    const auto byte = [&](std::size_t i) { return static_cast<std::uint16_t>(static_cast<unsigned char>(payload[i])); };
    profile.width = static_cast<std::uint16_t>(byte(0) << 8U | byte(1));
    profile.height = static_cast<std::uint16_t>(byte(2) << 8U | byte(3));
    host.on_profile_changed();
}

}  // namespace

std::string clean_name(std::string_view raw) {
    std::string out;
    for (const char c : raw) {
        if (out.size() >= 64) break;
        if (c >= 0x20 && c < 0x7F) out.push_back(c);
    }
    return std::string{trim(out)};
}

void offer(ClientProfile& profile, Telnet& telnet, NegotiationHost& host, bool mccp) {
    telnet.enable(telnet_opt::eor, TelnetSide::local, host);
    telnet.enable(telnet_opt::naws, TelnetSide::remote, host);
    telnet.enable(telnet_opt::ttype, TelnetSide::remote, host);
    profile.ttype = ClientProfile::Ttype::asked;
    telnet.enable(telnet_opt::charset, TelnetSide::local, host);
    telnet.enable(telnet_opt::new_environ, TelnetSide::remote, host);
    telnet.enable(telnet_opt::mssp, TelnetSide::local, host);
    telnet.enable(telnet_opt::gmcp, TelnetSide::local, host);
    if (mccp) telnet.enable(telnet_opt::mccp2, TelnetSide::local, host);
}

bool accepts(unsigned char option, TelnetSide side, bool mccp) {
    if (side == TelnetSide::local) {
        switch (option) {
        case telnet_opt::eor:
        case telnet_opt::sga:
        case telnet_opt::charset:
        case telnet_opt::mssp:
        case telnet_opt::gmcp:
            return true;
        case telnet_opt::mccp2:
            return mccp;
        default:
            return false;  // MXP (91) among them: refused
        }
    }
    switch (option) {
    case telnet_opt::naws:
    case telnet_opt::ttype:
    case telnet_opt::new_environ:
    case telnet_opt::charset:
        return true;
    default:
        return false;
    }
}

void on_option(ClientProfile& profile, Telnet& telnet, NegotiationHost& host, unsigned char option, TelnetSide side,
               bool enabled) {
    if (option == telnet_opt::echo) return;
    if (enabled) profile.mud_client = true;
    if (side == TelnetSide::local) {
        switch (option) {
        case telnet_opt::eor:
            profile.eor = enabled;
            break;
        case telnet_opt::sga:
            profile.sga = enabled;
            break;
        case telnet_opt::charset:
            if (enabled) {
                request_charset(profile, host);
            } else if (profile.charset_phase == charset_idle) {
                // Refused as WILL: MUSHclient (and others) take CHARSET only
                // the other way round.
                telnet.enable(telnet_opt::charset, TelnetSide::remote, host);
            }
            break;
        case telnet_opt::mssp:
            profile.mssp = enabled;
            if (enabled) host.on_mssp_requested();
            break;
        case telnet_opt::gmcp:
            profile.gmcp = enabled;
            break;
        case telnet_opt::mccp2:
            profile.mccp_wanted = enabled;
            if (enabled) {
                maybe_start_compression(profile, host);
            } else if (profile.mccp.active()) {
                host.on_compression(false);
            }
            break;
        default:
            break;
        }
    } else {
        switch (option) {
        case telnet_opt::naws:
            profile.naws = enabled;
            break;
        case telnet_opt::ttype:
            if (enabled && profile.ttype != ClientProfile::Ttype::over && profile.ttype_rounds == 0) {
                profile.ttype = ClientProfile::Ttype::cycling;
                profile.ttype_rounds = 1;
                send_sb(host, telnet_opt::ttype, std::string{ttype_send});
            } else if (!enabled) {
                end_ttype(profile, host);
            }
            break;
        case telnet_opt::charset:
            if (enabled) request_charset(profile, host);
            break;
        case telnet_opt::new_environ:
            if (enabled) send_sb(host, telnet_opt::new_environ, std::string{env_send});
            break;
        default:
            break;
        }
    }
    host.on_profile_changed();
}

void on_subnegotiation(ClientProfile& profile, Telnet& telnet, NegotiationHost& host, unsigned char option,
                       std::string_view payload) {
    // A subnegotiation counts only for an option that is on.
    const bool remote_on = telnet.enabled(option, TelnetSide::remote);
    const bool local_on = telnet.enabled(option, TelnetSide::local);
    switch (option) {
    case telnet_opt::naws:
        if (remote_on) on_naws(profile, host, payload);
        break;
    case telnet_opt::ttype:
        if (remote_on) on_ttype(profile, host, payload);
        break;
    case telnet_opt::charset:
        if (remote_on || local_on) on_charset(profile, host, payload);
        break;
    case telnet_opt::new_environ:
        if (remote_on) on_new_environ(profile, host, payload);
        break;
    case telnet_opt::gmcp:
        if (local_on) {
            const auto space = payload.find(' ');
            host.on_gmcp(trim(payload.substr(0, space)),
                         space == std::string_view::npos ? std::string_view{} : trim(payload.substr(space + 1)));
        }
        break;
    default:
        break;
    }
}

}  // namespace natter::negotiation
