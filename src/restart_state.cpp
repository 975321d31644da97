#include "src/restart_state.hpp"

#include <sodium.h>

#include <cmath>
#include <concepts>
#include <exception>
#include <limits>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "src/client_profile.hpp"
#include "src/event.hpp"
#include "src/render/variant.hpp"

// The file is one JSON object: "format" and "version" first in meaning (the
// reader checks them before anything else), then the fields under the
// struct members' own names, and a "connections" array with one object per
// connection. Enums are their small integer values (ListenerKind: 0 telnet,
// 1 mud, 2 web; the std::uint8_t fields as they are). Byte strings (partial
// lines, outboxes, telnet and WebSocket buffers, the line a password flow
// started from) are base64 (libsodium's original variant, with padding);
// names and texts, sanitised UTF-8 in the process, are JSON strings.
// Telnet options are [code, local, remote] and GMCP packages [name, version].
// A member at its struct's default, an empty object and an optional value
// that is not set are left out.

namespace natter {
namespace {

using Json = nlohmann::json;

constexpr std::string_view format_name = "natter-restart-state";

// --- writing

std::string to_base64(std::string_view bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();  // the terminating NUL libsodium writes
    return out;
}

// Builds one JSON object, leaving out each member that holds its struct's
// default: the reader fills those back in, and most members of most
// sessions are at their defaults, so the file is a fraction of the size and
// time. (So within a version, no struct's default may change.)
class ObjectWriter {
public:
    template <class T>
    void put(std::string_view key, const T& value, const T& fallback) {
        if (!(value == fallback)) json_[key] = value;
    }
    void put(std::string_view key, ListenerKind value, ListenerKind fallback) {
        if (value != fallback) json_[key] = static_cast<int>(value);
    }
    template <class T>
    void always(std::string_view key, const T& value) {
        json_[key] = value;
    }
    void bytes(std::string_view key, std::string_view value) {
        if (!value.empty()) json_[key] = to_base64(value);
    }
    void object(std::string_view key, Json value) {
        if (!value.empty()) json_[key] = std::move(value);
    }
    Json done() { return std::move(json_); }

private:
    Json json_ = Json::object();
};

Json to_json(const TelnetSnapshot& telnet) {
    static const TelnetSnapshot defaults;
    ObjectWriter out;
    if (!telnet.options.empty()) {
        Json options = Json::array();
        for (const auto& option : telnet.options) {
            options.push_back(Json::array({option.code, option.local, option.remote}));
        }
        out.object("options", std::move(options));
    }
    out.put("parse", telnet.parse, defaults.parse);
    out.put("verb", telnet.verb, defaults.verb);
    out.put("sb_option", telnet.sb_option, defaults.sb_option);
    out.put("sb_oversized", telnet.sb_oversized, defaults.sb_oversized);
    out.put("oversized", telnet.oversized, defaults.oversized);
    out.bytes("payload", telnet.payload);
    return out.done();
}

Json to_json(const FramerSnapshot& framer) {
    static const FramerSnapshot defaults;
    ObjectWriter out;
    out.bytes("partial", framer.partial);
    out.put("after_cr", framer.after_cr, defaults.after_cr);
    out.put("overlong", framer.overlong, defaults.overlong);
    return out.done();
}

Json to_json(const FloodSnapshot& flood) {
    static const FloodSnapshot defaults;
    ObjectWriter out;
    // JSON has no NaN or infinity (they would be written as null); a bucket
    // in that state starts full again rather than fail the restart.
    out.put("tokens", std::isfinite(flood.tokens) ? flood.tokens : defaults.tokens, defaults.tokens);
    out.put("refilled_ns", flood.refilled_ns, defaults.refilled_ns);
    out.put("episode_start_ns", flood.episode_start_ns, defaults.episode_start_ns);
    out.put("last_drop_ns", flood.last_drop_ns, defaults.last_drop_ns);
    out.put("in_episode", flood.in_episode, defaults.in_episode);
    return out.done();
}

Json to_json(const ProfileSnapshot& profile) {
    static const ProfileSnapshot defaults;
    ObjectWriter out;
    out.put("terminal_types", profile.terminal_types, defaults.terminal_types);
    if (profile.mtts) out.always("mtts", *profile.mtts);
    out.put("width", profile.width, defaults.width);
    out.put("height", profile.height, defaults.height);
    out.put("charset", profile.charset, defaults.charset);
    out.put("client_name", profile.client_name, defaults.client_name);
    out.put("client_version", profile.client_version, defaults.client_version);
    out.put("env_screen_reader", profile.env_screen_reader, defaults.env_screen_reader);
    out.put("env_colour", profile.env_colour, defaults.env_colour);
    if (!profile.gmcp_packages.empty()) {
        Json packages = Json::array();
        for (const auto& [name, version] : profile.gmcp_packages) packages.push_back(Json::array({name, version}));
        out.object("gmcp_packages", std::move(packages));
    }
    out.put("gmcp", profile.gmcp, defaults.gmcp);
    out.put("eor", profile.eor, defaults.eor);
    out.put("sga", profile.sga, defaults.sga);
    out.put("mud_client", profile.mud_client, defaults.mud_client);
    out.put("mccp_wanted", profile.mccp_wanted, defaults.mccp_wanted);
    out.put("naws", profile.naws, defaults.naws);
    out.put("ttype", profile.ttype, defaults.ttype);
    out.put("ttype_rounds", profile.ttype_rounds, defaults.ttype_rounds);
    out.put("charset_phase", profile.charset_phase, defaults.charset_phase);
    out.put("mssp", profile.mssp, defaults.mssp);
    out.put("gmcp_login_offered", profile.gmcp_login_offered, defaults.gmcp_login_offered);
    out.put("settings", profile.settings, defaults.settings);
    return out.done();
}

Json to_json(const WebSocketSnapshot& framer) {
    static const WebSocketSnapshot defaults;
    ObjectWriter out;
    out.put("state", framer.state, defaults.state);
    out.bytes("header", framer.header);
    out.put("header_need", framer.header_need, defaults.header_need);
    out.put("opcode", framer.opcode, defaults.opcode);
    out.put("fin", framer.fin, defaults.fin);
    out.bytes("mask", framer.mask);
    out.put("payload_left", framer.payload_left, defaults.payload_left);
    out.put("payload_done", framer.payload_done, defaults.payload_done);
    out.put("in_message", framer.in_message, defaults.in_message);
    out.bytes("message", framer.message);
    out.bytes("control", framer.control);
    return out.done();
}

Json to_json(const WebSnapshot& web) {
    static const WebSnapshot defaults;
    ObjectWriter out;
    out.put("peer_address", web.peer_address, defaults.peer_address);
    out.put("opened_ns", web.opened_ns, defaults.opened_ns);
    out.put("last_ping_ns", web.last_ping_ns, defaults.last_ping_ns);
    out.put("awaiting_pong", web.awaiting_pong, defaults.awaiting_pong);
    out.object("framer", to_json(web.framer));
    return out.done();
}

Json to_json(const SessionSnapshot& session) {
    static const SessionSnapshot defaults;
    ObjectWriter out;
    out.put("address", session.address, defaults.address);
    out.put("kind", session.kind, defaults.kind);
    out.put("name", session.name, defaults.name);
    out.put("room", session.room, defaults.room);
    out.put("authenticated", session.authenticated, defaults.authenticated);
    out.put("encrypted", session.encrypted, defaults.encrypted);
    out.put("echo_off", session.echo_off, defaults.echo_off);
    out.put("idle_warned", session.idle_warned, defaults.idle_warned);
    out.put("connected_at_ns", session.connected_at_ns, defaults.connected_at_ns);
    out.put("last_input_ns", session.last_input_ns, defaults.last_input_ns);
    out.put("reply_to", session.reply_to, defaults.reply_to);
    out.put("ignored", session.ignored, defaults.ignored);
    out.put("has_info", session.has_info, defaults.has_info);
    out.put("description", session.description, defaults.description);
    out.put("profile_lines", session.profile_lines, defaults.profile_lines);
    out.put("away", session.away, defaults.away);
    out.put("away_idle", session.away_idle, defaults.away_idle);
    out.put("away_message", session.away_message, defaults.away_message);
    out.bytes("secret_origin", session.secret_origin);
    out.put("has_profile", session.has_profile, defaults.has_profile);
    out.object("profile", to_json(session.profile));
    out.object("telnet", to_json(session.telnet));
    out.object("framer", to_json(session.framer));
    out.object("flood", to_json(session.flood));
    out.bytes("outbox", session.outbox);
    return out.done();
}

Json to_json(const ConnectionSnapshot& connection) {
    static const ConnectionSnapshot defaults;
    ObjectWriter out;
    out.always("fd", connection.fd);
    out.put("listener", connection.listener, defaults.listener);
    out.put("fresh", connection.fresh, defaults.fresh);
    Json json = out.done();
    if (connection.web) json["web"] = to_json(*connection.web);
    if (connection.session) json["session"] = to_json(*connection.session);
    return json;
}

Json to_json(const ListenerSnapshot& listener) {
    static const ListenerSnapshot defaults;
    ObjectWriter out;
    out.put("kind", listener.kind, defaults.kind);
    out.put("tls", listener.tls, defaults.tls);
    out.put("host", listener.host, defaults.host);
    out.put("configured_port", listener.configured_port, defaults.configured_port);
    out.put("port", listener.port, defaults.port);
    out.always("fd", listener.fd);
    return out.done();
}

Json to_json(const RoomSnapshot& room) {
    static const RoomSnapshot defaults;
    static const HistorySnapshot history_defaults;
    ObjectWriter out;
    out.put("name", room.name, defaults.name);
    out.put("permanent", room.permanent, defaults.permanent);
    out.put("topic", room.topic, defaults.topic);
    out.put("topic_by", room.topic_by, defaults.topic_by);
    out.put("topic_set_at", room.topic_set_at, defaults.topic_set_at);
    if (!room.history.empty()) {
        Json history = Json::array();
        for (const auto& entry : room.history) {
            ObjectWriter line;
            line.put("when_unix_ms", entry.when_unix_ms, history_defaults.when_unix_ms);
            line.put("kind", entry.kind, history_defaults.kind);
            line.put("speaker", entry.speaker, history_defaults.speaker);
            line.put("text", entry.text, history_defaults.text);
            history.push_back(line.done());
        }
        out.object("history", std::move(history));
    }
    return out.done();
}

// --- reading

// Where a value sits in the file ("connections[3].session.outbox"), as a
// chain of stack frames, so a read that succeeds builds no strings.
struct Path {
    const Path* parent = nullptr;
    std::string_view key;
    std::size_t index = 0;
    bool is_index = false;

    [[nodiscard]] std::string text() const {
        std::string out = parent ? parent->text() : std::string{};
        if (is_index) return out + fmt::format("[{}]", index);
        if (!out.empty()) out += '.';
        out += key;
        return out;
    }
};

Path member_path(const Path& parent, std::string_view key) { return Path{&parent, key, 0, false}; }
Path index_path(const Path& parent, std::size_t index) { return Path{&parent, {}, index, true}; }

// A byte string member, read from base64.
struct Bytes {
    std::string& out;
};

// An integer member with bounds narrower than its type's.
template <std::integral T>
struct Bounded {
    T& out;
    T low;
    T high;
};

// The longest WebSocket frame header (RFC 6455 5.2): 2 bytes, 8 of length,
// 4 of mask.
constexpr std::size_t max_frame_header = 14;

// An integer member that holds an enum's value, from 0 to `max`.
struct EnumValue {
    std::uint8_t& out;
    std::uint8_t max;
};

// Reads values into the structs, keeping the first error; once there is
// one, every later read does nothing, so the callers need not check after
// each field.
class Reader {
public:
    [[nodiscard]] bool ok() const { return !error_; }
    [[nodiscard]] Error error() const { return *error_; }

    void fail(const Path& at, std::string_view what) {
        if (!error_) error_ = Error{fmt::format("restart state: {} {}", at.text(), what)};
    }
    void fail(std::string message) {
        if (!error_) error_ = Error{std::move(message)};
    }

    // Reads `object[key]` into `out` when it is there; a missing key leaves
    // the default.
    template <class T>
    void field(const Json& object, const Path& at, std::string_view key, T&& out) {
        if (!ok()) return;
        const auto it = object.find(key);
        if (it == object.end()) return;
        value(*it, member_path(at, key), std::forward<T>(out));
    }

    // The same for a key that must be there.
    template <class T>
    void required(const Json& object, const Path& at, std::string_view key, T&& out) {
        if (!ok()) return;
        if (!object.contains(key)) {
            fail(member_path(at, key), "is missing");
            return;
        }
        field(object, at, key, std::forward<T>(out));
    }

    void value(const Json& json, const Path& at, bool& out) {
        if (json.is_boolean()) {
            out = json.get<bool>();
        } else {
            fail(at, "must be true or false");
        }
    }

    template <std::integral T>
        requires(!std::same_as<T, bool>)
    void value(const Json& json, const Path& at, T& out) {
        integer(json, at, out, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
    }

    template <std::integral T>
    void value(const Json& json, const Path& at, Bounded<T> out) {
        integer(json, at, out.out, out.low, out.high);
    }

    void value(const Json& json, const Path& at, EnumValue out) { integer(json, at, out.out, std::uint8_t{0}, out.max); }

    void value(const Json& json, const Path& at, ListenerKind& out) {
        std::uint8_t raw = 0;
        integer(json, at, raw, std::uint8_t{0}, static_cast<std::uint8_t>(ListenerKind::web));
        out = static_cast<ListenerKind>(raw);
    }

    void value(const Json& json, const Path& at, double& out) {
        if (json.is_number()) {
            out = json.get<double>();
        } else {
            fail(at, "must be a number");
        }
    }

    void value(const Json& json, const Path& at, std::string& out) {
        if (json.is_string()) {
            out = json.get_ref<const std::string&>();
        } else {
            fail(at, "must be a string");
        }
    }

    void value(const Json& json, const Path& at, Bytes out) {
        if (!json.is_string()) {
            fail(at, "must be a base64 string");
            return;
        }
        const auto& text = json.get_ref<const std::string&>();
        out.out.resize(text.size() / 4 * 3 + 3);
        std::size_t size = 0;
        if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.out.data()), out.out.size(), text.data(),
                              text.size(), nullptr, &size, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
            out.out.clear();
            fail(at, "is not valid base64");
            return;
        }
        out.out.resize(size);
    }

    template <class T>
    void value(const Json& json, const Path& at, std::optional<T>& out) {
        value(json, at, out.emplace());
    }

    template <class T>
    void value(const Json& json, const Path& at, std::vector<T>& out) {
        if (!json.is_array()) {
            fail(at, "must be an array");
            return;
        }
        out.resize(json.size());
        for (std::size_t i = 0; i < out.size() && ok(); ++i) value(json[i], index_path(at, i), out[i]);
    }

    void value(const Json& json, const Path& at, std::pair<std::string, int>& out) {
        if (!json.is_array() || json.size() != 2) {
            fail(at, "must be a [name, version] pair");
            return;
        }
        value(json[0], index_path(at, 0), out.first);
        value(json[1], index_path(at, 1), out.second);
    }

    void value(const Json& json, const Path& at, TelnetSnapshot::Option& out) {
        if (!json.is_array() || json.size() != 3) {
            fail(at, "must be a [code, local, remote] triple");
            return;
        }
        value(json[0], index_path(at, 0), out.code);
        value(json[1], index_path(at, 1), out.local);
        value(json[2], index_path(at, 2), out.remote);
    }

    void value(const Json& json, const Path& at, TelnetSnapshot& out) {
        if (!object(json, at)) return;
        field(json, at, "options", out.options);
        field(json, at, "parse", out.parse);
        field(json, at, "verb", out.verb);
        field(json, at, "sb_option", out.sb_option);
        field(json, at, "sb_oversized", out.sb_oversized);
        field(json, at, "oversized", out.oversized);
        field(json, at, "payload", Bytes{out.payload});
    }

    void value(const Json& json, const Path& at, FramerSnapshot& out) {
        if (!object(json, at)) return;
        field(json, at, "partial", Bytes{out.partial});
        field(json, at, "after_cr", out.after_cr);
        field(json, at, "overlong", out.overlong);
    }

    void value(const Json& json, const Path& at, FloodSnapshot& out) {
        if (!object(json, at)) return;
        field(json, at, "tokens", out.tokens);
        field(json, at, "refilled_ns", out.refilled_ns);
        field(json, at, "episode_start_ns", out.episode_start_ns);
        field(json, at, "last_drop_ns", out.last_drop_ns);
        field(json, at, "in_episode", out.in_episode);
    }

    void value(const Json& json, const Path& at, ProfileSnapshot& out) {
        if (!object(json, at)) return;
        field(json, at, "terminal_types", out.terminal_types);
        field(json, at, "mtts", out.mtts);
        field(json, at, "width", out.width);
        field(json, at, "height", out.height);
        field(json, at, "charset", EnumValue{out.charset, static_cast<std::uint8_t>(Charset::ascii)});
        field(json, at, "client_name", out.client_name);
        field(json, at, "client_version", out.client_version);
        field(json, at, "env_screen_reader", out.env_screen_reader);
        field(json, at, "env_colour", EnumValue{out.env_colour, static_cast<std::uint8_t>(ColourDepth::truecolor)});
        field(json, at, "gmcp_packages", out.gmcp_packages);
        field(json, at, "gmcp", out.gmcp);
        field(json, at, "eor", out.eor);
        field(json, at, "sga", out.sga);
        field(json, at, "mud_client", out.mud_client);
        field(json, at, "mccp_wanted", out.mccp_wanted);
        field(json, at, "naws", out.naws);
        field(json, at, "ttype", EnumValue{out.ttype, static_cast<std::uint8_t>(ClientProfile::Ttype::over)});
        field(json, at, "ttype_rounds", out.ttype_rounds);
        field(json, at, "charset_phase", out.charset_phase);
        field(json, at, "mssp", out.mssp);
        field(json, at, "gmcp_login_offered", out.gmcp_login_offered);
        field(json, at, "settings", out.settings);
    }

    void value(const Json& json, const Path& at, WebSocketSnapshot& out) {
        if (!object(json, at)) return;
        field(json, at, "state", out.state);
        field(json, at, "header", Bytes{out.header});
        if (ok() && out.header.size() > max_frame_header) {
            fail(member_path(at, "header"), fmt::format("holds {} bytes, more than a frame header's {}",
                                                         out.header.size(), max_frame_header));
        }
        field(json, at, "header_need",
              Bounded<std::uint32_t>{out.header_need, 2, static_cast<std::uint32_t>(max_frame_header)});
        field(json, at, "opcode", out.opcode);
        field(json, at, "fin", out.fin);
        field(json, at, "mask", Bytes{out.mask});
        if (ok() && !out.mask.empty() && out.mask.size() != 4) {
            fail(member_path(at, "mask"), fmt::format("holds {} bytes, not 4", out.mask.size()));
        }
        field(json, at, "payload_left", out.payload_left);
        field(json, at, "payload_done", out.payload_done);
        field(json, at, "in_message", out.in_message);
        field(json, at, "message", Bytes{out.message});
        field(json, at, "control", Bytes{out.control});
    }

    void value(const Json& json, const Path& at, WebSnapshot& out) {
        if (!object(json, at)) return;
        field(json, at, "peer_address", out.peer_address);
        field(json, at, "opened_ns", out.opened_ns);
        field(json, at, "last_ping_ns", out.last_ping_ns);
        field(json, at, "awaiting_pong", out.awaiting_pong);
        field(json, at, "framer", out.framer);
    }

    void value(const Json& json, const Path& at, SessionSnapshot& out) {
        if (!object(json, at)) return;
        field(json, at, "address", out.address);
        field(json, at, "kind", out.kind);
        field(json, at, "name", out.name);
        field(json, at, "room", out.room);
        field(json, at, "authenticated", out.authenticated);
        field(json, at, "encrypted", out.encrypted);
        field(json, at, "echo_off", out.echo_off);
        field(json, at, "idle_warned", out.idle_warned);
        field(json, at, "connected_at_ns", out.connected_at_ns);
        field(json, at, "last_input_ns", out.last_input_ns);
        field(json, at, "reply_to", out.reply_to);
        field(json, at, "ignored", out.ignored);
        field(json, at, "has_info", out.has_info);
        field(json, at, "description", out.description);
        field(json, at, "profile_lines", out.profile_lines);
        field(json, at, "away", out.away);
        field(json, at, "away_idle", out.away_idle);
        field(json, at, "away_message", out.away_message);
        field(json, at, "secret_origin", Bytes{out.secret_origin});
        field(json, at, "has_profile", out.has_profile);
        field(json, at, "profile", out.profile);
        field(json, at, "telnet", out.telnet);
        field(json, at, "framer", out.framer);
        field(json, at, "flood", out.flood);
        field(json, at, "outbox", Bytes{out.outbox});
    }

    void value(const Json& json, const Path& at, ConnectionSnapshot& out) {
        if (!object(json, at)) return;
        required(json, at, "fd", Descriptor{out.fd});
        field(json, at, "listener", out.listener);
        field(json, at, "fresh", out.fresh);
        field(json, at, "web", out.web);
        field(json, at, "session", out.session);
    }

    void value(const Json& json, const Path& at, ListenerSnapshot& out) {
        if (!object(json, at)) return;
        required(json, at, "fd", Descriptor{out.fd});
        field(json, at, "kind", out.kind);
        field(json, at, "tls", out.tls);
        field(json, at, "host", out.host);
        field(json, at, "configured_port", out.configured_port);
        field(json, at, "port", out.port);
    }

    void value(const Json& json, const Path& at, HistorySnapshot& out) {
        if (!object(json, at)) return;
        field(json, at, "when_unix_ms", out.when_unix_ms);
        field(json, at, "kind", out.kind);
        if (ok() && out.kind != static_cast<std::uint8_t>(EventKind::say) &&
            out.kind != static_cast<std::uint8_t>(EventKind::emote)) {
            fail(member_path(at, "kind"), fmt::format("must be {} (say) or {} (emote)",
                                                      static_cast<int>(EventKind::say),
                                                      static_cast<int>(EventKind::emote)));
        }
        field(json, at, "speaker", out.speaker);
        field(json, at, "text", out.text);
    }

    void value(const Json& json, const Path& at, RoomSnapshot& out) {
        if (!object(json, at)) return;
        field(json, at, "name", out.name);
        field(json, at, "permanent", out.permanent);
        field(json, at, "topic", out.topic);
        field(json, at, "topic_by", out.topic_by);
        field(json, at, "topic_set_at", out.topic_set_at);
        field(json, at, "history", out.history);
    }

    void value(const Json& json, const Path& at, SeenSnapshot& out) {
        if (!object(json, at)) return;
        field(json, at, "name", out.name);
        field(json, at, "when_unix_ms", out.when_unix_ms);
    }

private:
    // A file descriptor: an int, never negative.
    struct Descriptor {
        int& out;
    };

    void value(const Json& json, const Path& at, Descriptor out) {
        integer(json, at, out.out, 0, std::numeric_limits<int>::max());
    }

    bool object(const Json& json, const Path& at) {
        if (!json.is_object()) fail(at, "must be an object");
        return ok();
    }

    // An integer from `low` to `high`. nlohmann keeps a non-negative number
    // as unsigned and a negative one as signed, so each is compared as it is.
    template <std::integral T>
    void integer(const Json& json, const Path& at, T& out, T low, T high) {
        bool fits = false;
        if (json.is_number_unsigned()) {
            const auto number = json.get<std::uint64_t>();
            fits = std::cmp_greater_equal(number, low) && std::cmp_less_equal(number, high);
            if (fits) out = static_cast<T>(number);
        } else if (json.is_number_integer()) {
            const auto number = json.get<std::int64_t>();
            fits = std::cmp_greater_equal(number, low) && std::cmp_less_equal(number, high);
            if (fits) out = static_cast<T>(number);
        }
        if (!fits) fail(at, fmt::format("must be an integer from {} to {}", low, high));
    }

    std::optional<Error> error_;
};

// What no single field shows: each listener index names a listener, and no
// descriptor is given twice (the new process would close it twice).
void check_references(const RestartState& state, Reader& reader) {
    std::unordered_set<int> fds;
    fds.reserve(state.listeners.size() + state.connections.size());
    for (std::size_t i = 0; i < state.listeners.size(); ++i) {
        if (!fds.insert(state.listeners[i].fd).second) {
            reader.fail(fmt::format("restart state: listeners[{}].fd {} is given twice", i, state.listeners[i].fd));
            return;
        }
    }
    for (std::size_t i = 0; i < state.connections.size(); ++i) {
        const auto& connection = state.connections[i];
        if (connection.listener >= state.listeners.size()) {
            reader.fail(fmt::format("restart state: connections[{}].listener is {}, but there are {} listeners", i,
                                    connection.listener, state.listeners.size()));
            return;
        }
        if (!fds.insert(connection.fd).second) {
            reader.fail(fmt::format("restart state: connections[{}].fd {} is given twice", i, connection.fd));
            return;
        }
    }
}

Result<RestartState> read_parsed(const Json& json) {
    if (!json.is_object()) return fail("restart state is not a JSON object");
    const auto format = json.find("format");
    if (format == json.end() || !format->is_string() || format->get_ref<const std::string&>() != format_name) {
        return fail(fmt::format("restart state: \"format\" is not \"{}\"", format_name));
    }
    const auto version = json.find("version");
    if (version == json.end()) return fail("restart state has no version");
    if (!version->is_number_integer() || version->get<std::int64_t>() != restart_state_version) {
        return fail(fmt::format("restart state version {} is not one this natterd reads ({})", version->dump(),
                                restart_state_version));
    }

    RestartState state;
    Reader reader;
    const Path root;
    reader.field(json, root, "started_unix_ms", state.started_unix_ms);
    reader.field(json, root, "listeners", state.listeners);
    reader.field(json, root, "rooms", state.rooms);
    reader.field(json, root, "seen", state.seen);
    reader.field(json, root, "connections", state.connections);
    if (reader.ok()) check_references(state, reader);
    if (!reader.ok()) return tl::unexpected{reader.error()};
    return state;
}

}  // namespace

std::string write_restart_state(const RestartState& state) {
    Json listeners = Json::array();
    for (const auto& listener : state.listeners) listeners.push_back(to_json(listener));
    Json rooms = Json::array();
    for (const auto& room : state.rooms) rooms.push_back(to_json(room));
    Json seen = Json::array();
    for (const auto& entry : state.seen) seen.push_back(Json{{"name", entry.name}, {"when_unix_ms", entry.when_unix_ms}});
    Json connections = Json::array();
    for (const auto& connection : state.connections) connections.push_back(to_json(connection));
    const Json json{{"format", format_name},
                    {"version", restart_state_version},
                    {"started_unix_ms", state.started_unix_ms},
                    {"listeners", std::move(listeners)},
                    {"rooms", std::move(rooms)},
                    {"seen", std::move(seen)},
                    {"connections", std::move(connections)}};
    // The texts are sanitised UTF-8; should one not be, it is written with
    // U+FFFD in place of the bad bytes rather than fail the restart.
    return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<RestartState> read_restart_state(std::string_view text) {
    if (text.empty()) return fail("restart state is empty");
    try {
        return read_parsed(Json::parse(text));
    } catch (const Json::parse_error& e) {
        // nlohmann counts bytes from 1; one past the end is the end of input.
        if (e.byte > text.size()) return fail("restart state ends early: the file is cut short");
        return fail(fmt::format("restart state is not valid JSON (at byte {})", e.byte));
    } catch (const std::exception& e) {
        // Nothing above throws on a well-typed value; this keeps a failed
        // allocation on a huge file from ending the process.
        return fail(fmt::format("restart state cannot be read: {}", e.what()));
    }
}

}  // namespace natter
