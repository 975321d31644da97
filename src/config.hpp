// The operator's settings (SPEC §6), parsed and validated from TOML. Knows
// nothing of sockets or sessions; callers decide what a reload may change.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/address_range.hpp"
#include "src/error.hpp"

namespace natter {

// What a listening port serves (SPEC §7).
enum class ListenerKind : std::uint8_t {
    telnet,  // the classic wire: never starts a negotiation, answers what a client offers
    mud,     // offers the MUD options at connect
    web,     // HTTP: the chat page, /healthz, and a WebSocket at /ws
};

[[nodiscard]] std::string_view listener_kind_name(ListenerKind kind);

// 127.0.0.1/32 and ::1/128: the machine itself.
[[nodiscard]] std::vector<AddressRange> default_metrics_allowed();

struct Config {
    struct Server {
        std::string name = "natter";
        std::string host = "0.0.0.0";
        std::uint16_t port = 5005;
        std::vector<std::string> motd;  // lines after the welcome
        bool announce_addresses = false;
        // Hand each loop iteration's output for all clients to the kernel in
        // one system call (io_uring) where the kernel allows; read at start.
        bool io_uring = true;
        // Threads that make the system calls of each flush, the loop thread
        // included: 0 = one per core (at most 8), 1 = the loop thread alone.
        // Read at start.
        std::uint32_t io_threads = 0;
    } server;

    struct Limits {
        std::uint32_t max_clients = 10000;  // 0 = no limit
        std::uint32_t login_timeout_s = 60;
        std::uint32_t max_per_address = 50;  // 0 = no limit
        std::uint32_t idle_timeout_s = 3600;  // 0 = never
        std::uint32_t line_max_bytes = 2048;
        std::uint64_t output_buffer_bytes = 1048576;
        // A client whose kernel takes none of its waiting output for this
        // long is dropped; so is one so slow that it alone keeps everyone's
        // input waiting this long.
        std::uint32_t stall_timeout_s = 10;
        std::uint32_t flood_burst = 20;
        std::uint32_t flood_per_second = 5;  // 0 = no flood control
        // A user idle this long is marked away (before idle_timeout_s ends
        // the session); 0 = never.
        std::uint32_t auto_away_s = 900;
    } limits;

    struct Rooms {
        std::vector<std::string> permanent{"lobby"};
        bool create_on_join = true;
        std::uint32_t history_lines = 50;
        std::uint32_t announce_max_members = 1000;
        bool allow_shout = true;  // `shout` reaches everyone logged in
        // Who may set the topic of a permanent room (anyone in a created one).
        enum class TopicBy { operators, members };
        TopicBy topic_by = TopicBy::operators;
    } rooms;

    struct Accounts {
        std::string database = "data/natter.db";
        // A libpq connection string: accounts in PostgreSQL instead of the
        // SQLite file `database`; empty = the file. Read at start.
        std::string postgres;
        bool require = false;
        // Registrations from one address (IPv6: one /64) and in all, per
        // window; operators' own names are not counted. 0 = no limit.
        std::uint32_t registrations_per_address = 3;
        std::uint32_t registrations_per_window = 100;
        std::uint32_t registration_window_s = 3600;
        // Password checks waiting for a hashing worker; past it: "busy".
        std::uint32_t hashing_queue = 64;
        // Peak memory of the hashes running at once; sets how many run.
        std::uint32_t hashing_memory_mb = 256;
        std::uint32_t expire_after_days = 0;  // unused accounts are removed; 0 = never
        bool approval = false;                // new accounts wait for an operator's approve
        // Passwords (register, password, logging in to a registered name)
        // only over TLS; plain connections are pointed at a TLS port.
        bool require_tls_for_passwords = false;
        std::uint32_t mailbox_max = 50;       // messages kept for one account
    } accounts;

    struct Operators {
        std::vector<std::string> names;
    } operators;

    struct Log {
        enum class Format { text, json };
        std::string level = "info";
        Format format = Format::text;  // json: one object per line, for log shippers; read at start
    } log;

    // More ports beside [server] port, from [[listeners]] tables.
    struct Listener {
        std::string host;  // empty: [server] host
        std::uint16_t port = 0;
        ListenerKind kind = ListenerKind::telnet;
        bool tls = false;
        std::uint32_t line = 0;  // where it was declared, for messages
    };
    std::vector<Listener> listeners;

    struct Telnet {
        bool mccp = false;              // offer MCCP2 compression on mud listeners
        std::uint32_t keepalive_s = 0;  // IAC NOP after this much silence; 0 = never
    } telnet;

    // The certificate of every tls = true listener (SPEC §10). Re-read on
    // SIGHUP; a pair that fails to load keeps the old one.
    struct Tls {
        std::string cert;  // PEM: the certificate, then its chain
        std::string key;   // PEM private key
        enum class Version { tls1_2, tls1_3 } min_version = Version::tls1_2;
        std::uint32_t handshake_timeout_s = 10;
    } tls;

    struct Web {
        // Origins (scheme://host[:port]) whose pages may open /ws; empty:
        // only a page from the same host as the request's.
        std::vector<std::string> allowed_origins;
        // Peers whose X-Forwarded-For / Forwarded is believed.
        std::vector<AddressRange> trusted_proxies;
        std::uint32_t ping_s = 30;  // WebSocket ping interval; 0 = never
    } web;

    // [metrics]: who may read GET /metrics on a web listener (SPEC §9).
    struct MetricsAccess {
        // Checked against the client's address: the peer's, or the one a
        // trusted proxy forwards (see web_client_address).
        std::vector<AddressRange> allowed = default_metrics_allowed();
    } metrics;

    // What MUD crawlers are told (MSSP); the name is [server] name.
    struct Mssp {
        std::string hostname;
        std::string contact;
        std::string website;
        std::string language = "English";
    } mssp;

    // [cluster]: several natterd processes as one chat over Redis (SPEC §11).
    // Read at start; a reload keeps the running values.
    struct Cluster {
        std::string redis;   // "unix:/path" or "tcp://host:port"; empty: one node
        std::string node;    // this node's id; empty: host:port
        std::string prefix = "natter";
        // A node that has not renewed its lease for this long is taken for
        // dead: its users leave everywhere and their names are free.
        std::uint32_t lease_ms = 15000;
        std::uint32_t heartbeat_ms = 5000;  // how often the lease is renewed
        [[nodiscard]] bool enabled() const { return !redis.empty(); }
    } cluster;
};

// Parses TOML text; `origin` names the source in error messages
// ("file:line: reason"). Unknown keys and wrong types are errors.
[[nodiscard]] Result<Config> parse_config(std::string_view toml_text, std::string_view origin);

// Reads and parses a file.
[[nodiscard]] Result<Config> load_config(const std::string& path);

}  // namespace natter
