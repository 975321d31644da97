#include "src/config.hpp"

#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <libpq-fe.h>
#include <toml++/toml.h>

#include "src/names.hpp"
#include "src/text.hpp"

namespace natter {
namespace {

// A setter returns the reason a value is rejected, or nothing.
using Setter = std::function<std::optional<std::string>(const toml::node&, Config&)>;

struct Key {
    std::string_view section;
    std::string_view name;
    Setter set;
};

std::optional<std::string> read_uint(const toml::node& node, std::uint64_t min, std::uint64_t max,
                                     std::uint64_t& out) {
    const auto value = node.value<std::int64_t>();
    if (!node.is_integer() || !value || *value < 0 || static_cast<std::uint64_t>(*value) < min ||
        static_cast<std::uint64_t>(*value) > max) {
        return fmt::format("must be a whole number from {} to {}", min, max);
    }
    out = static_cast<std::uint64_t>(*value);
    return std::nullopt;
}

template <class T>
Setter uint_key(T Config::*section_ptr, auto field, std::uint64_t min, std::uint64_t max) {
    return [=](const toml::node& node, Config& config) -> std::optional<std::string> {
        std::uint64_t v = 0;
        if (auto why = read_uint(node, min, max, v)) return why;
        using Field = std::remove_reference_t<decltype((config.*section_ptr).*field)>;
        (config.*section_ptr).*field = static_cast<Field>(v);
        return std::nullopt;
    };
}

template <class T>
Setter bool_key(T Config::*section_ptr, bool T::*field) {
    return [=](const toml::node& node, Config& config) -> std::optional<std::string> {
        if (!node.is_boolean()) return "must be true or false";
        (config.*section_ptr).*field = *node.value<bool>();
        return std::nullopt;
    };
}

std::optional<std::string> read_string(const toml::node& node, std::string& out) {
    if (!node.is_string()) return "must be a string";
    out = *node.value<std::string>();
    return std::nullopt;
}

// A libpq connection string ("host=... dbname=..." or a postgresql:// URI),
// checked for its syntax only: whether the server answers is found at start.
std::optional<std::string> check_conninfo(const std::string& text) {
    if (text.empty()) return std::nullopt;  // the SQLite file
    char* why = nullptr;
    PQconninfoOption* options = PQconninfoParse(text.c_str(), &why);
    if (options == nullptr) {
        std::string reason = why != nullptr ? why : "out of memory";
        PQfreemem(why);
        while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
        return fmt::format("is not a libpq connection string: {}", reason);
    }
    PQconninfoFree(options);
    return std::nullopt;
}

std::optional<std::string> read_names(const toml::node& node, std::vector<std::string>& out,
                                      bool allow_empty) {
    const auto* array = node.as_array();
    if (array == nullptr) return "must be an array of names";
    std::vector<std::string> names;
    for (const auto& element : *array) {
        const auto text = element.value<std::string>();
        if (!element.is_string() || !text) return "must be an array of names";
        if (!is_valid_name(*text)) {
            return fmt::format("has \"{}\": {}", sanitize(*text), valid_name_rule());
        }
        names.push_back(*text);
    }
    if (!allow_empty && names.empty()) return "must name at least one room";
    out = std::move(names);
    return std::nullopt;
}

// An origin as browsers send it: http or https, a host, maybe a port, no path.
bool is_origin(std::string_view text) {
    std::string_view rest;
    if (text.starts_with("http://")) {
        rest = text.substr(7);
    } else if (text.starts_with("https://")) {
        rest = text.substr(8);
    } else {
        return false;
    }
    return !rest.empty() && rest.find_first_of("/?# ") == std::string_view::npos;
}

// An array of CIDR ranges ("10.0.0.0/8", "::1/128", or bare addresses).
std::optional<std::string> read_ranges(const toml::node& node, std::vector<AddressRange>& out) {
    const auto* array = node.as_array();
    if (array == nullptr) return "must be an array of addresses or ranges such as \"10.0.0.0/8\"";
    std::vector<AddressRange> ranges;
    for (const auto& element : *array) {
        const auto text = element.value<std::string>();
        const auto range = text ? AddressRange::parse(*text) : std::nullopt;
        if (!element.is_string() || !range) {
            return fmt::format("has \"{}\": not a numeric address or range such as \"10.0.0.0/8\"",
                               text ? sanitize(*text) : std::string{"?"});
        }
        ranges.push_back(*range);
    }
    out = std::move(ranges);
    return std::nullopt;
}

// An MSSP value: any text, sanitised, at most 255 bytes.
Setter mssp_text(std::string Config::Mssp::*field) {
    return [=](const toml::node& node, Config& config) -> std::optional<std::string> {
        std::string s;
        if (auto why = read_string(node, s)) return why;
        s = sanitize(s);
        if (s.size() > 255) return "must be at most 255 characters";
        config.mssp.*field = std::move(s);
        return std::nullopt;
    };
}

// One [[listeners]] table: port (required), kind, tls, host.
std::optional<std::string> read_listener(const toml::table& table, std::string_view origin, Config& config) {
    Config::Listener listener;
    listener.line = static_cast<std::uint32_t>(table.source().begin.line);
    bool has_port = false;
    for (const auto& [key, value] : table) {
        const auto line = key.source().begin.line;
        const auto where = fmt::format("{}:{}: [[listeners]] {}", origin, line, key.str());
        if (key.str() == "port") {
            std::uint64_t port = 0;
            if (auto why = read_uint(value, 0, 65535, port)) return fmt::format("{} {}", where, *why);
            listener.port = static_cast<std::uint16_t>(port);
            has_port = true;
        } else if (key.str() == "kind") {
            const auto kind = value.value<std::string>();
            if (kind == "telnet") {
                listener.kind = ListenerKind::telnet;
            } else if (kind == "mud") {
                listener.kind = ListenerKind::mud;
            } else if (kind == "web") {
                listener.kind = ListenerKind::web;
            } else {
                return fmt::format("{} must be \"telnet\", \"mud\" or \"web\"", where);
            }
        } else if (key.str() == "tls") {
            if (!value.is_boolean()) return fmt::format("{} must be true or false", where);
            listener.tls = *value.value<bool>();
        } else if (key.str() == "host") {
            if (auto why = read_string(value, listener.host)) return fmt::format("{} {}", where, *why);
            if (listener.host.empty()) return fmt::format("{} must be a numeric address", where);
        } else {
            return fmt::format("{}:{}: unknown key '{}' in [[listeners]]", origin, line, key.str());
        }
    }
    if (!has_port) return fmt::format("{}:{}: [[listeners]] needs a port", origin, listener.line);
    config.listeners.push_back(std::move(listener));
    return std::nullopt;
}

const std::vector<Key>& keys() {
    static const std::vector<Key> table{
        {"server", "name",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             std::string s;
             if (auto why = read_string(n, s)) return why;
             s = sanitize(s);
             if (s.empty() || s.size() > 64) return "must be 1 to 64 printable characters";
             c.server.name = std::move(s);
             return std::nullopt;
         }},
        {"server", "host",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             std::string s;
             if (auto why = read_string(n, s)) return why;
             if (s.empty()) return "must be an address such as \"0.0.0.0\" or \"127.0.0.1\"";
             c.server.host = std::move(s);
             return std::nullopt;
         }},
        {"server", "port", uint_key(&Config::server, &Config::Server::port, 0, 65535)},
        {"server", "motd",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             std::vector<std::string> lines;
             if (n.is_string()) {
                 std::istringstream in{*n.value<std::string>()};
                 for (std::string line; std::getline(in, line);) lines.push_back(sanitize(line));
             } else if (const auto* array = n.as_array()) {
                 for (const auto& element : *array) {
                     if (!element.is_string()) return "must be a string or an array of strings";
                     lines.push_back(sanitize(*element.value<std::string>()));
                 }
             } else {
                 return "must be a string or an array of strings";
             }
             c.server.motd = std::move(lines);
             return std::nullopt;
         }},
        {"server", "announce_addresses", bool_key(&Config::server, &Config::Server::announce_addresses)},
        {"server", "io_uring", bool_key(&Config::server, &Config::Server::io_uring)},
        {"server", "io_threads", uint_key(&Config::server, &Config::Server::io_threads, 0, 64)},
        {"limits", "max_clients",
         uint_key(&Config::limits, &Config::Limits::max_clients, 0, 10'000'000)},
        {"limits", "login_timeout_s",
         uint_key(&Config::limits, &Config::Limits::login_timeout_s, 0, 86400)},
        {"limits", "max_per_address",
         uint_key(&Config::limits, &Config::Limits::max_per_address, 0, 10'000'000)},
        {"limits", "idle_timeout_s",
         uint_key(&Config::limits, &Config::Limits::idle_timeout_s, 0, 30 * 86400)},
        {"limits", "line_max_bytes",
         uint_key(&Config::limits, &Config::Limits::line_max_bytes, 64, 1 << 20)},
        {"limits", "output_buffer_bytes",
         uint_key(&Config::limits, &Config::Limits::output_buffer_bytes, 4096, std::uint64_t{1} << 34)},
        {"limits", "stall_timeout_s",
         uint_key(&Config::limits, &Config::Limits::stall_timeout_s, 1, 3600)},
        {"limits", "flood_burst", uint_key(&Config::limits, &Config::Limits::flood_burst, 1, 1'000'000)},
        {"limits", "flood_per_second",
         uint_key(&Config::limits, &Config::Limits::flood_per_second, 0, 1'000'000)},
        {"limits", "auto_away_s", uint_key(&Config::limits, &Config::Limits::auto_away_s, 0, 30 * 86400)},
        {"rooms", "permanent",
         [](const toml::node& n, Config& c) { return read_names(n, c.rooms.permanent, false); }},
        {"rooms", "create_on_join", bool_key(&Config::rooms, &Config::Rooms::create_on_join)},
        {"rooms", "history_lines", uint_key(&Config::rooms, &Config::Rooms::history_lines, 0, 10000)},
        {"rooms", "announce_max_members",
         uint_key(&Config::rooms, &Config::Rooms::announce_max_members, 0, 10'000'000)},
        {"rooms", "allow_shout", bool_key(&Config::rooms, &Config::Rooms::allow_shout)},
        {"rooms", "topic_by",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             std::string s;
             if (auto why = read_string(n, s)) return why;
             if (s == "operators") {
                 c.rooms.topic_by = Config::Rooms::TopicBy::operators;
             } else if (s == "members") {
                 c.rooms.topic_by = Config::Rooms::TopicBy::members;
             } else {
                 return "must be \"operators\" or \"members\"";
             }
             return std::nullopt;
         }},
        {"accounts", "database",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             std::string s;
             if (auto why = read_string(n, s)) return why;
             if (s.empty()) return "must be a file path";
             c.accounts.database = std::move(s);
             return std::nullopt;
         }},
        {"accounts", "postgres",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             std::string s;
             if (auto why = read_string(n, s)) return why;
             if (auto why = check_conninfo(s)) return why;
             c.accounts.postgres = std::move(s);
             return std::nullopt;
         }},
        {"accounts", "require", bool_key(&Config::accounts, &Config::Accounts::require)},
        {"accounts", "registrations_per_address",
         uint_key(&Config::accounts, &Config::Accounts::registrations_per_address, 0, 1'000'000)},
        {"accounts", "registrations_per_window",
         uint_key(&Config::accounts, &Config::Accounts::registrations_per_window, 0, 10'000'000)},
        {"accounts", "registration_window_s",
         uint_key(&Config::accounts, &Config::Accounts::registration_window_s, 1, 30 * 86400)},
        {"accounts", "hashing_queue", uint_key(&Config::accounts, &Config::Accounts::hashing_queue, 0, 100'000)},
        // At least one hash's worth (libsodium's interactive limit, 64 MiB).
        {"accounts", "hashing_memory_mb",
         uint_key(&Config::accounts, &Config::Accounts::hashing_memory_mb, 64, 1 << 20)},
        {"accounts", "expire_after_days",
         uint_key(&Config::accounts, &Config::Accounts::expire_after_days, 0, 36500)},
        {"accounts", "approval", bool_key(&Config::accounts, &Config::Accounts::approval)},
        {"accounts", "require_tls_for_passwords",
         bool_key(&Config::accounts, &Config::Accounts::require_tls_for_passwords)},
        {"accounts", "mailbox_max", uint_key(&Config::accounts, &Config::Accounts::mailbox_max, 1, 10000)},
        {"operators", "names",
         [](const toml::node& n, Config& c) { return read_names(n, c.operators.names, true); }},
        {"telnet", "mccp", bool_key(&Config::telnet, &Config::Telnet::mccp)},
        {"telnet", "keepalive_s", uint_key(&Config::telnet, &Config::Telnet::keepalive_s, 0, 86400)},
        {"tls", "cert",
         [](const toml::node& n, Config& c) { return read_string(n, c.tls.cert); }},
        {"tls", "key",
         [](const toml::node& n, Config& c) { return read_string(n, c.tls.key); }},
        {"tls", "min_version",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             std::string s;
             if (auto why = read_string(n, s)) return why;
             if (s == "1.2") {
                 c.tls.min_version = Config::Tls::Version::tls1_2;
             } else if (s == "1.3") {
                 c.tls.min_version = Config::Tls::Version::tls1_3;
             } else {
                 return "must be \"1.2\" or \"1.3\"";
             }
             return std::nullopt;
         }},
        {"tls", "handshake_timeout_s", uint_key(&Config::tls, &Config::Tls::handshake_timeout_s, 1, 300)},
        {"web", "allowed_origins",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             const auto* array = n.as_array();
             if (array == nullptr) return "must be an array of origins such as \"https://chat.example.org\"";
             std::vector<std::string> origins;
             for (const auto& element : *array) {
                 const auto text = element.value<std::string>();
                 if (!element.is_string() || !text || !is_origin(*text)) {
                     return "must be an array of origins such as \"https://chat.example.org\" (scheme://host[:port])";
                 }
                 origins.push_back(ascii_lower(*text));
             }
             c.web.allowed_origins = std::move(origins);
             return std::nullopt;
         }},
        {"web", "trusted_proxies",
         [](const toml::node& n, Config& c) { return read_ranges(n, c.web.trusted_proxies); }},
        {"web", "ping_s", uint_key(&Config::web, &Config::Web::ping_s, 0, 3600)},
        {"metrics", "allowed", [](const toml::node& n, Config& c) { return read_ranges(n, c.metrics.allowed); }},
        {"mssp", "hostname", mssp_text(&Config::Mssp::hostname)},
        {"mssp", "contact", mssp_text(&Config::Mssp::contact)},
        {"mssp", "website", mssp_text(&Config::Mssp::website)},
        {"mssp", "language", mssp_text(&Config::Mssp::language)},
        {"cluster", "redis",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             std::string s;
             if (auto why = read_string(n, s)) return why;
             if (!s.empty() && !s.starts_with("unix:/") && !s.starts_with("tcp://")) {
                 return "must be \"unix:/path/to/redis.sock\" or \"tcp://host:port\" (empty: one node)";
             }
             c.cluster.redis = std::move(s);
             return std::nullopt;
         }},
        {"cluster", "node",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             std::string s;
             if (auto why = read_string(n, s)) return why;
             // It becomes part of Redis keys and channel names.
             if (s.size() > 64 || s.find_first_of(" \t\r\n:") != std::string::npos) {
                 return "must be at most 64 characters with no spaces or colons";
             }
             c.cluster.node = std::move(s);
             return std::nullopt;
         }},
        {"cluster", "prefix",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             std::string s;
             if (auto why = read_string(n, s)) return why;
             if (s.empty() || s.size() > 64 || s.find_first_of(" \t\r\n") != std::string::npos) {
                 return "must be 1 to 64 characters with no spaces";
             }
             c.cluster.prefix = std::move(s);
             return std::nullopt;
         }},
        {"cluster", "lease_ms", uint_key(&Config::cluster, &Config::Cluster::lease_ms, 500, 600'000)},
        {"cluster", "heartbeat_ms", uint_key(&Config::cluster, &Config::Cluster::heartbeat_ms, 100, 60'000)},
        {"log", "level",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             std::string s;
             if (auto why = read_string(n, s)) return why;
             for (std::string_view level : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
                 if (s == level) {
                     c.log.level = std::move(s);
                     return std::nullopt;
                 }
             }
             return "must be one of trace, debug, info, warn, error, critical, off";
         }},
        {"log", "format",
         [](const toml::node& n, Config& c) -> std::optional<std::string> {
             std::string s;
             if (auto why = read_string(n, s)) return why;
             if (s == "text") {
                 c.log.format = Config::Log::Format::text;
             } else if (s == "json") {
                 c.log.format = Config::Log::Format::json;
             } else {
                 return "must be \"text\" or \"json\"";
             }
             return std::nullopt;
         }},
    };
    return table;
}

const Key* find_key(std::string_view section, std::string_view name) {
    for (const auto& key : keys()) {
        if (key.section == section && key.name == name) return &key;
    }
    return nullptr;
}

bool is_section(std::string_view section) {
    for (const auto& key : keys()) {
        if (key.section == section) return true;
    }
    return false;
}

}  // namespace

std::vector<AddressRange> default_metrics_allowed() {
    return {*AddressRange::parse("127.0.0.1/32"), *AddressRange::parse("::1/128")};
}

Result<Config> parse_config(std::string_view toml_text, std::string_view origin) {
    toml::table root;
    try {
        root = toml::parse(toml_text, origin);
    } catch (const toml::parse_error& e) {
        return fail(fmt::format("{}:{}: {}", origin, e.source().begin.line, e.description()));
    }

    Config config;
    for (const auto& [section_key, section_node] : root) {
        const auto line = section_key.source().begin.line;
        if (section_key.str() == "listeners") {
            const auto* tables = section_node.as_array();
            if (tables == nullptr || !tables->is_array_of_tables()) {
                return fail(fmt::format("{}:{}: 'listeners' must be tables ([[listeners]])", origin, line));
            }
            for (const auto& table : *tables) {
                if (auto why = read_listener(*table.as_table(), origin, config)) return fail(*why);
            }
            continue;
        }
        if (!is_section(section_key.str())) {
            return fail(fmt::format("{}:{}: unknown section [{}]", origin, line, section_key.str()));
        }
        const auto* section = section_node.as_table();
        if (section == nullptr) {
            return fail(fmt::format("{}:{}: '{}' must be a table ([{}])", origin, line, section_key.str(),
                                    section_key.str()));
        }
        for (const auto& [key, value] : *section) {
            const auto key_line = key.source().begin.line;
            const auto* known = find_key(section_key.str(), key.str());
            if (known == nullptr) {
                return fail(fmt::format("{}:{}: unknown key '{}' in [{}]", origin, key_line, key.str(),
                                        section_key.str()));
            }
            if (auto why = known->set(value, config)) {
                return fail(fmt::format("{}:{}: [{}] {} {}", origin, key_line, section_key.str(), key.str(),
                                        *why));
            }
        }
    }
    for (const auto& listener : config.listeners) {
        if (listener.tls && (config.tls.cert.empty() || config.tls.key.empty())) {
            return fail(fmt::format("{}:{}: [[listeners]] tls = true needs [tls] cert and key", origin,
                                    listener.line));
        }
    }
    if (config.cluster.heartbeat_ms * 2 > config.cluster.lease_ms) {
        // One lost heartbeat must not cost a node its users.
        return fail(fmt::format("{}: [cluster] heartbeat_ms ({}) must be at most half of lease_ms ({})", origin,
                                config.cluster.heartbeat_ms, config.cluster.lease_ms));
    }
    return config;
}

std::string_view listener_kind_name(ListenerKind kind) {
    switch (kind) {
    case ListenerKind::telnet:
        return "telnet";
    case ListenerKind::mud:
        return "mud";
    case ListenerKind::web:
        return "web";
    }
    return "telnet";
}

Result<Config> load_config(const std::string& path) {
    std::ifstream in{path, std::ios::binary};
    if (!in) return fail(fmt::format("{}: cannot open the configuration file", path));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return fail(fmt::format("{}: cannot read the configuration file", path));
    return parse_config(text.str(), path);
}

}  // namespace natter
