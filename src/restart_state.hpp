// What crosses a hot restart: the listeners and connections (by descriptor),
// every session's state, and the rooms, as plain values. The old process
// fills it from the live objects, write_restart_state() turns it into a
// versioned text file, and the new process reads it back with
// read_restart_state() and rebuilds the objects from it. Steady-clock times
// are kept as nanoseconds of CLOCK_MONOTONIC, which runs on across execve.
// No password or password hash is ever part of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/config.hpp"
#include "src/error.hpp"

namespace natter {

// The format written; a reader accepts exactly the versions it knows.
inline constexpr int restart_state_version = 1;

// Telnet's option states and a sequence half read (an IAC at the end of a read).
struct TelnetSnapshot {
    struct Option {
        std::uint8_t code = 0;
        std::uint8_t local = 0;   // RFC 1143 q-state bits
        std::uint8_t remote = 0;
        bool operator==(const Option&) const = default;
    };
    std::vector<Option> options;
    std::uint8_t parse = 0;  // the parser's state
    std::uint8_t verb = 0;
    std::uint8_t sb_option = 0;
    bool sb_oversized = false;
    std::uint32_t oversized = 0;
    std::string payload;  // a subnegotiation being read (bytes)
    bool operator==(const TelnetSnapshot&) const = default;
};

// A line being typed.
struct FramerSnapshot {
    std::string partial;  // bytes
    bool after_cr = false;
    bool overlong = false;
    bool operator==(const FramerSnapshot&) const = default;
};

struct FloodSnapshot {
    double tokens = -1;
    std::int64_t refilled_ns = 0;  // steady clock
    std::int64_t episode_start_ns = 0;
    std::int64_t last_drop_ns = 0;
    bool in_episode = false;
    bool operator==(const FloodSnapshot&) const = default;
};

// What a client told of itself (ClientProfile, less its compressor).
struct ProfileSnapshot {
    std::vector<std::string> terminal_types;
    std::optional<std::uint32_t> mtts;
    std::uint16_t width = 0;
    std::uint16_t height = 0;
    std::uint8_t charset = 0;  // Charset
    std::string client_name;
    std::string client_version;
    bool env_screen_reader = false;
    std::uint8_t env_colour = 0;  // ColourDepth
    std::vector<std::pair<std::string, int>> gmcp_packages;
    bool gmcp = false;
    bool eor = false;
    bool sga = false;
    bool mud_client = false;
    bool mccp_wanted = false;  // MCCP2 was on: offered again after the restart
    bool naws = false;
    std::uint8_t ttype = 0;  // ClientProfile::Ttype
    std::uint8_t ttype_rounds = 0;
    std::uint8_t charset_phase = 0;
    bool mssp = false;
    bool gmcp_login_offered = false;
    std::string settings;  // ClientSettings::to_text()
    bool operator==(const ProfileSnapshot&) const = default;
};

// A WebSocket frame half read.
struct WebSocketSnapshot {
    std::uint8_t state = 0;
    std::string header;  // the header bytes read so far
    std::uint32_t header_need = 2;
    std::uint8_t opcode = 0;
    bool fin = false;
    std::string mask;  // 4 bytes
    std::uint64_t payload_left = 0;
    std::uint64_t payload_done = 0;
    bool in_message = false;
    std::string message;
    std::string control;
    bool operator==(const WebSocketSnapshot&) const = default;
};

// An upgraded web connection's endpoint (one not upgraded does not cross).
struct WebSnapshot {
    std::string peer_address;
    std::int64_t opened_ns = 0;
    std::int64_t last_ping_ns = 0;
    bool awaiting_pong = false;
    WebSocketSnapshot framer;
    bool operator==(const WebSnapshot&) const = default;
};

struct SessionSnapshot {
    std::string address;
    ListenerKind kind = ListenerKind::telnet;
    std::string name;  // empty: not logged in
    std::string room;  // the chat room's name; empty: the login room
    bool authenticated = false;
    bool encrypted = false;  // a trusted proxy said so
    bool echo_off = false;
    bool idle_warned = false;
    std::int64_t connected_at_ns = 0;
    std::int64_t last_input_ns = 0;
    std::string reply_to;
    std::vector<std::string> ignored;  // name keys
    // UserInfo, when set.
    bool has_info = false;
    std::string description;
    std::vector<std::string> profile_lines;
    bool away = false;
    bool away_idle = false;
    std::string away_message;
    // A password flow under way (a prompt, or a check in flight): the line
    // that started it is typed again after the restart, so the prompt is
    // asked again. Never the password itself.
    std::string secret_origin;
    bool has_profile = false;
    ProfileSnapshot profile;
    TelnetSnapshot telnet;
    FramerSnapshot framer;
    FloodSnapshot flood;
    std::string outbox;  // output not yet sent (bytes)
    bool operator==(const SessionSnapshot&) const = default;
};

// One connection: its descriptor and listener, and what it carries.
struct ConnectionSnapshot {
    int fd = -1;
    std::uint32_t listener = 0;  // index into RestartState::listeners
    // Accepted while the restart was being prepared and never started: the
    // new process greets it.
    bool fresh = false;
    std::optional<WebSnapshot> web;
    std::optional<SessionSnapshot> session;
    bool operator==(const ConnectionSnapshot&) const = default;
};

struct ListenerSnapshot {
    int fd = -1;
    ListenerKind kind = ListenerKind::telnet;
    bool tls = false;
    std::string host;               // as configured
    std::uint16_t configured_port = 0;  // as configured (0: any free one)
    std::uint16_t port = 0;             // as bound
    bool operator==(const ListenerSnapshot&) const = default;
};

struct HistorySnapshot {
    std::int64_t when_unix_ms = 0;
    std::uint8_t kind = 0;  // EventKind: say or emote
    std::string speaker;
    std::string text;
    bool operator==(const HistorySnapshot&) const = default;
};

struct RoomSnapshot {
    std::string name;
    bool permanent = false;
    std::string topic;
    std::string topic_by;
    std::int64_t topic_set_at = 0;
    std::vector<HistorySnapshot> history;  // oldest first
    bool operator==(const RoomSnapshot&) const = default;
};

struct SeenSnapshot {
    std::string name;
    std::int64_t when_unix_ms = 0;
    bool operator==(const SeenSnapshot&) const = default;
};

struct RestartState {
    int version = restart_state_version;
    std::int64_t started_unix_ms = 0;  // when the first process of this run started
    std::vector<ListenerSnapshot> listeners;
    std::vector<RoomSnapshot> rooms;  // chat rooms, in the world's order
    std::vector<SeenSnapshot> seen;   // oldest first
    std::vector<ConnectionSnapshot> connections;
    bool operator==(const RestartState&) const = default;
};

// The state as text: versioned, one record per connection, binary fields
// encoded so any byte survives.
[[nodiscard]] std::string write_restart_state(const RestartState& state);
// Parses what write_restart_state wrote; an unknown version or a malformed
// file is an error naming what is wrong. Unknown keys are ignored and
// missing ones keep the defaults. What it returns has every descriptor
// >= 0 and given once, every listener index in range, the kinds, charset,
// colour depth, TTYPE state and history kinds within their enums, and a
// WebSocket header of at most 14 bytes and a mask of 0 or 4; the telnet
// parser's and WebSocket framer's own states are for their restore to check.
[[nodiscard]] Result<RestartState> read_restart_state(std::string_view text);

}  // namespace natter
