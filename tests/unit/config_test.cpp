// Config (SPEC §6): defaults, every documented key, and errors that name the
// file, the line and the key.
#include <doctest/doctest.h>

#include "tests/unit/printing.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include "src/config.hpp"

namespace natter {
namespace {

using Lines = std::vector<std::string>;

// The error message of a text that must not parse.
std::string error_of(const std::string& toml) {
    const auto result = parse_config(toml, "test.toml");
    REQUIRE_FALSE(result.has_value());
    return result.error().message;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("Config: an empty file gives the documented defaults") {
    const auto result = parse_config("", "test.toml");
    REQUIRE(result.has_value());
    const Config& c = *result;
    CHECK(c.server.host == "0.0.0.0");
    CHECK(c.server.port == 5005);
    CHECK(c.server.motd.empty());
    CHECK_FALSE(c.server.announce_addresses);
    CHECK(c.server.io_uring);
    CHECK(c.server.io_threads == 0);
    CHECK_FALSE(c.server.name.empty());
    CHECK(c.limits.max_clients == 10000);
    CHECK(c.limits.login_timeout_s == 60);
    CHECK(c.limits.max_per_address == 50);
    CHECK(c.limits.idle_timeout_s == 3600);
    CHECK(c.limits.line_max_bytes == 2048);
    CHECK(c.limits.output_buffer_bytes == 1048576);
    CHECK(c.limits.stall_timeout_s == 10);
    CHECK(c.limits.flood_burst == 20);
    CHECK(c.limits.flood_per_second == 5);
    CHECK(c.limits.auto_away_s == 900);
    CHECK(c.rooms.permanent == Lines{"lobby"});
    CHECK(c.rooms.create_on_join);
    CHECK(c.rooms.history_lines == 50);
    CHECK(c.rooms.announce_max_members == 1000);
    CHECK(c.rooms.allow_shout);
    CHECK(c.rooms.topic_by == Config::Rooms::TopicBy::operators);
    CHECK(c.accounts.database == "data/natter.db");
    CHECK_FALSE(c.accounts.require);
    CHECK(c.accounts.registrations_per_address == 3);
    CHECK(c.accounts.registrations_per_window == 100);
    CHECK(c.accounts.registration_window_s == 3600);
    CHECK(c.accounts.hashing_queue == 64);
    CHECK(c.accounts.hashing_memory_mb == 256);
    CHECK(c.accounts.expire_after_days == 0);
    CHECK_FALSE(c.accounts.approval);
    CHECK(c.accounts.mailbox_max == 50);
    CHECK(c.accounts.postgres.empty());
    CHECK(c.operators.names.empty());
    CHECK(c.log.level == "info");
    CHECK(c.log.format == Config::Log::Format::text);
}

TEST_CASE("Config: every documented key parses") {
    const auto result = parse_config(R"(
[server]
name = "TestChat"
host = "127.0.0.1"
port = 6006
motd = "line one"
announce_addresses = true
io_uring = false
io_threads = 3

[limits]
max_clients = 7
login_timeout_s = 11
max_per_address = 3
idle_timeout_s = 0
line_max_bytes = 512
output_buffer_bytes = 65536
stall_timeout_s = 4
flood_burst = 9
flood_per_second = 0
auto_away_s = 120

[rooms]
permanent = ["hall", "garden"]
create_on_join = false
history_lines = 12
announce_max_members = 40
allow_shout = false
topic_by = "members"

[accounts]
database = "/tmp/x.db"
require = true
registrations_per_address = 2
registrations_per_window = 50
registration_window_s = 600
hashing_queue = 8
hashing_memory_mb = 128
expire_after_days = 90
approval = true
mailbox_max = 7

[operators]
names = ["alice", "Bob"]

[log]
level = "debug"
format = "json"
)",
                                     "test.toml");
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    const Config& c = *result;
    CHECK(c.server.name == "TestChat");
    CHECK(c.server.host == "127.0.0.1");
    CHECK(c.server.port == 6006);
    CHECK(c.server.motd == Lines{"line one"});
    CHECK(c.server.announce_addresses);
    CHECK_FALSE(c.server.io_uring);
    CHECK(c.server.io_threads == 3);
    CHECK(c.limits.max_clients == 7);
    CHECK(c.limits.login_timeout_s == 11);
    CHECK(c.limits.max_per_address == 3);
    CHECK(c.limits.idle_timeout_s == 0);
    CHECK(c.limits.line_max_bytes == 512);
    CHECK(c.limits.output_buffer_bytes == 65536);
    CHECK(c.limits.stall_timeout_s == 4);
    CHECK(c.limits.flood_burst == 9);
    CHECK(c.limits.flood_per_second == 0);
    CHECK(c.limits.auto_away_s == 120);
    CHECK(c.rooms.permanent == Lines{"hall", "garden"});
    CHECK_FALSE(c.rooms.create_on_join);
    CHECK(c.rooms.history_lines == 12);
    CHECK(c.rooms.announce_max_members == 40);
    CHECK_FALSE(c.rooms.allow_shout);
    CHECK(c.rooms.topic_by == Config::Rooms::TopicBy::members);
    CHECK(c.accounts.database == "/tmp/x.db");
    CHECK(c.accounts.require);
    CHECK(c.accounts.registrations_per_address == 2);
    CHECK(c.accounts.registrations_per_window == 50);
    CHECK(c.accounts.registration_window_s == 600);
    CHECK(c.accounts.hashing_queue == 8);
    CHECK(c.accounts.hashing_memory_mb == 128);
    CHECK(c.accounts.expire_after_days == 90);
    CHECK(c.accounts.approval);
    CHECK(c.accounts.mailbox_max == 7);
    CHECK(c.operators.names == Lines{"alice", "Bob"});
    CHECK(c.log.level == "debug");
    CHECK(c.log.format == Config::Log::Format::json);
}

TEST_CASE("Config: the shipped config/natter.toml parses") {
    // Found from this file's path: tests/unit/ is two levels below the root.
    const auto root = std::filesystem::path{__FILE__}.parent_path().parent_path().parent_path();
    const auto result = load_config((root / "config" / "natter.toml").string());
    REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().message));
    // It opens the MUD port and the web page beside the classic port.
    REQUIRE(result->listeners.size() == 2);
    CHECK(result->listeners[0].port == 4000);
    CHECK(result->listeners[0].kind == ListenerKind::mud);
    CHECK(result->listeners[1].port == 8080);
    CHECK(result->listeners[1].kind == ListenerKind::web);
    CHECK(result->web.ping_s == 30);
}

TEST_CASE("Config: an unknown key is an error naming the origin, line and key") {
    const auto message = error_of("[server]\nname = \"x\"\ncolour = \"red\"\n");
    CHECK(contains(message, "test.toml:3"));
    CHECK(contains(message, "colour"));
}

TEST_CASE("Config: an unknown section is an error naming the origin, line and section") {
    const auto message = error_of("[server]\nport = 1\n\n[bogus]\nx = 1\n");
    CHECK(contains(message, "test.toml:4"));
    CHECK(contains(message, "bogus"));
}

TEST_CASE("Config: a key outside any section is an error") {
    const auto message = error_of("port = 5005\n");
    CHECK(contains(message, "test.toml:1"));
    CHECK(contains(message, "port"));
}

TEST_CASE("Config: a TOML syntax error names the origin and line") {
    const auto message = error_of("[server]\nport = = 3\n");
    CHECK(contains(message, "test.toml:2"));
}

TEST_CASE("Config: wrong types are rejected with the key named") {
    struct Case {
        const char* toml;
        const char* key;
    };
    for (const auto& c : {Case{"[server]\nport = \"5005\"\n", "port"},
                          Case{"[server]\nname = 3\n", "name"},
                          Case{"[server]\nhost = true\n", "host"},
                          Case{"[server]\nmotd = 5\n", "motd"},
                          Case{"[server]\nmotd = [1, 2]\n", "motd"},
                          Case{"[server]\nannounce_addresses = \"yes\"\n", "announce_addresses"},
                          Case{"[limits]\nmax_clients = 1.5\n", "max_clients"},
                          Case{"[limits]\nline_max_bytes = \"big\"\n", "line_max_bytes"},
                          Case{"[rooms]\npermanent = \"lobby\"\n", "permanent"},
                          Case{"[rooms]\npermanent = [1]\n", "permanent"},
                          Case{"[rooms]\ncreate_on_join = 1\n", "create_on_join"},
                          Case{"[accounts]\nrequire = \"no\"\n", "require"},
                          Case{"[accounts]\napproval = 1\n", "approval"},
                          Case{"[rooms]\nallow_shout = \"yes\"\n", "allow_shout"},
                          Case{"[rooms]\ntopic_by = 1\n", "topic_by"},
                          Case{"[accounts]\nhashing_queue = \"64\"\n", "hashing_queue"},
                          Case{"[operators]\nnames = \"alice\"\n", "names"},
                          Case{"[log]\nlevel = 3\n", "level"},
                          Case{"[log]\nformat = true\n", "format"},
                          Case{"server = 3\n", "server"}}) {
        CAPTURE(c.toml);
        const auto message = error_of(c.toml);
        CHECK(contains(message, "test.toml:"));
        CHECK(contains(message, c.key));
    }
}

TEST_CASE("Config: out-of-range values are rejected with the key named") {
    struct Case {
        const char* toml;
        const char* key;
    };
    for (const auto& c : {Case{"[server]\nport = 70000\n", "port"},
                          Case{"[server]\nport = -1\n", "port"},
                          Case{"[server]\nname = \"\"\n", "name"},
                          Case{"[server]\nio_threads = 65\n", "io_threads"},
                          Case{"[server]\nio_threads = -1\n", "io_threads"},
                          Case{"[limits]\nline_max_bytes = 10\n", "line_max_bytes"},
                          Case{"[limits]\noutput_buffer_bytes = 100\n", "output_buffer_bytes"},
                          Case{"[limits]\nflood_burst = 0\n", "flood_burst"},
                          Case{"[limits]\nstall_timeout_s = 0\n", "stall_timeout_s"},
                          Case{"[limits]\nmax_clients = -5\n", "max_clients"},
                          Case{"[rooms]\npermanent = []\n", "permanent"},
                          Case{"[accounts]\nregistration_window_s = 0\n", "registration_window_s"},
                          Case{"[accounts]\nhashing_memory_mb = 63\n", "hashing_memory_mb"},
                          Case{"[accounts]\nhashing_queue = 100001\n", "hashing_queue"},
                          Case{"[accounts]\nexpire_after_days = -1\n", "expire_after_days"},
                          Case{"[accounts]\nregistrations_per_address = -3\n", "registrations_per_address"},
                          Case{"[rooms]\npermanent = [\"no spaces\"]\n", "permanent"},
                          Case{"[operators]\nnames = [\"1bad\"]\n", "names"},
                          Case{"[log]\nlevel = \"loud\"\n", "level"},
                          Case{"[log]\nformat = \"xml\"\n", "format"},
                          Case{"[limits]\nauto_away_s = 2592001\n", "auto_away_s"},
                          Case{"[rooms]\ntopic_by = \"everyone\"\n", "topic_by"},
                          Case{"[accounts]\nmailbox_max = 0\n", "mailbox_max"},
                          Case{"[accounts]\nmailbox_max = 10001\n", "mailbox_max"},
                          Case{"[accounts]\npostgres = \"host=127.0.0.1 port\"\n", "postgres"},
                          Case{"[accounts]\npostgres = 5432\n", "postgres"}}) {
        CAPTURE(c.toml);
        const auto message = error_of(c.toml);
        CHECK(contains(message, "test.toml:2"));
        CHECK(contains(message, c.key));
    }
}

TEST_CASE("Config: accounts postgres takes a libpq connection string or a URI") {
    for (const char* conninfo : {"host=db.example.org port=5432 dbname=natter user=natter",
                                 "postgresql://natter@db.example.org/natter?connect_timeout=2"}) {
        CAPTURE(conninfo);
        const auto result = parse_config(std::string{"[accounts]\npostgres = \""} + conninfo + "\"\n", "test.toml");
        REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().message));
        CHECK(result->accounts.postgres == conninfo);
        CHECK(result->accounts.database == "data/natter.db");  // kept, unused
    }
}

TEST_CASE("Config: motd as a string is split into lines") {
    const auto result = parse_config("[server]\nmotd = \"first\\nsecond\\nthird\"\n", "test.toml");
    REQUIRE(result.has_value());
    CHECK(result->server.motd == Lines{"first", "second", "third"});
}

TEST_CASE("Config: motd as a multi-line string is split into lines") {
    const auto result = parse_config("[server]\nmotd = \"\"\"\nHello.\nBe nice.\"\"\"\n", "test.toml");
    REQUIRE(result.has_value());
    CHECK(result->server.motd == Lines{"Hello.", "Be nice."});
}

TEST_CASE("Config: motd as an array gives one line per element") {
    const auto result = parse_config("[server]\nmotd = [\"one\", \"two\"]\n", "test.toml");
    REQUIRE(result.has_value());
    CHECK(result->server.motd == Lines{"one", "two"});
}

TEST_CASE("Config: an empty motd string gives no lines") {
    const auto result = parse_config("[server]\nmotd = \"\"\n", "test.toml");
    REQUIRE(result.has_value());
    CHECK(result->server.motd.empty());
}

TEST_CASE("Config: motd text is sanitised") {
    const auto result = parse_config("[server]\nmotd = [\"\\u001b[2Jhi\"]\n", "test.toml");
    REQUIRE(result.has_value());
    CHECK(result->server.motd == Lines{"[2Jhi"});
}

TEST_CASE("Config: a missing file is an error naming it") {
    const auto result = load_config("/nonexistent/natter-test.toml");
    REQUIRE_FALSE(result.has_value());
    CHECK(contains(result.error().message, "/nonexistent/natter-test.toml"));
}

}  // namespace natter

namespace natter {

TEST_CASE("Config: [[listeners]] tables give more ports, each with its kind and host") {
    const auto result = parse_config(
        "[[listeners]]\nport = 4000\nkind = \"mud\"\n\n[[listeners]]\nport = 2323\nhost = \"127.0.0.1\"\n", "test.toml");
    REQUIRE(result.has_value());
    REQUIRE(result->listeners.size() == 2);
    CHECK(result->listeners[0].port == 4000);
    CHECK(result->listeners[0].kind == ListenerKind::mud);
    CHECK(result->listeners[0].host.empty());
    CHECK(result->listeners[1].port == 2323);
    CHECK(result->listeners[1].kind == ListenerKind::telnet);
    CHECK(result->listeners[1].host == "127.0.0.1");
    CHECK(parse_config("", "test.toml")->listeners.empty());
}

TEST_CASE("Config: a bad [[listeners]] table is an error naming the line and the key") {
    struct Case {
        const char* toml;
        const char* needle;
    };
    for (const auto& c : {Case{"[[listeners]]\nkind = \"mud\"\n", "needs a port"},
                          Case{"[[listeners]]\nport = 4000\nkind = \"gopher\"\n", "kind"},
                          Case{"[[listeners]]\nport = 99999\n", "port"},
                          Case{"[[listeners]]\nport = 4000\ncolour = 1\n", "colour"},
                          Case{"[[listeners]]\nport = 4000\nhost = \"\"\n", "host"},
                          Case{"[[listeners]]\nport = 4000\ntls = 1\n", "tls"},
                          Case{"listeners = 4\n", "listeners"}}) {
        CAPTURE(c.toml);
        const auto message = error_of(c.toml);
        CHECK(contains(message, "test.toml:"));
        CHECK(contains(message, c.needle));
    }
}

TEST_CASE("Config: [telnet] and [mssp] keys parse, with their defaults") {
    const auto defaults = parse_config("", "test.toml");
    REQUIRE(defaults.has_value());
    CHECK_FALSE(defaults->telnet.mccp);
    CHECK(defaults->telnet.keepalive_s == 0);
    CHECK(defaults->mssp.language == "English");
    CHECK(defaults->mssp.hostname.empty());
    const auto result = parse_config("[telnet]\nmccp = true\nkeepalive_s = 30\n[mssp]\nhostname = \"chat.example.org\"\n"
                                     "contact = \"ops@example.org\"\nwebsite = \"https://example.org\"\n"
                                     "language = \"Deutsch\"\n",
                                     "test.toml");
    REQUIRE(result.has_value());
    CHECK(result->telnet.mccp);
    CHECK(result->telnet.keepalive_s == 30);
    CHECK(result->mssp.hostname == "chat.example.org");
    CHECK(result->mssp.contact == "ops@example.org");
    CHECK(result->mssp.website == "https://example.org");
    CHECK(result->mssp.language == "Deutsch");
    CHECK(contains(error_of("[telnet]\nkeepalive_s = -1\n"), "keepalive_s"));
    CHECK(contains(error_of("[mssp]\nhostname = 3\n"), "hostname"));
}

TEST_CASE("Config: [tls] keys parse with their bounds, and a TLS listener needs a certificate") {
    const auto defaults = parse_config("", "test.toml");
    REQUIRE(defaults.has_value());
    CHECK(defaults->tls.cert.empty());
    CHECK(defaults->tls.min_version == Config::Tls::Version::tls1_2);
    CHECK(defaults->tls.handshake_timeout_s == 10);
    CHECK_FALSE(defaults->accounts.require_tls_for_passwords);

    const auto result = parse_config("[[listeners]]\nport = 4443\nkind = \"mud\"\ntls = true\n"
                                     "[tls]\ncert = \"/etc/natter/cert.pem\"\nkey = \"key.pem\"\n"
                                     "min_version = \"1.3\"\nhandshake_timeout_s = 5\n"
                                     "[accounts]\nrequire_tls_for_passwords = true\n",
                                     "test.toml");
    REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().message));
    CHECK(result->listeners[0].tls);
    CHECK(result->tls.cert == "/etc/natter/cert.pem");
    CHECK(result->tls.key == "key.pem");
    CHECK(result->tls.min_version == Config::Tls::Version::tls1_3);
    CHECK(result->tls.handshake_timeout_s == 5);
    CHECK(result->accounts.require_tls_for_passwords);

    CHECK(contains(error_of("[tls]\nmin_version = \"1.1\"\n"), "min_version"));
    CHECK(contains(error_of("[tls]\nhandshake_timeout_s = 0\n"), "handshake_timeout_s"));
    CHECK(contains(error_of("[tls]\nhandshake_timeout_s = 301\n"), "handshake_timeout_s"));
    const auto missing = error_of("\n\n[[listeners]]\nport = 4443\ntls = true\n");
    CHECK(contains(missing, "test.toml:3"));
    CHECK(contains(missing, "needs [tls] cert and key"));
}

}  // namespace natter

namespace natter {

TEST_CASE("Config: [cluster] is off by default and its keys are checked") {
    const auto defaults = parse_config("", "test.toml");
    REQUIRE(defaults.has_value());
    CHECK_FALSE(defaults->cluster.enabled());
    CHECK(defaults->cluster.prefix == "natter");
    CHECK(defaults->cluster.lease_ms == 15000);
    CHECK(defaults->cluster.heartbeat_ms == 5000);

    const auto set = parse_config("[cluster]\nredis = \"unix:/run/redis/redis.sock\"\nnode = \"n1\"\nprefix = \"chat\"\n"
                                  "lease_ms = 2000\nheartbeat_ms = 500\n",
                                  "test.toml");
    REQUIRE(set.has_value());
    CHECK(set->cluster.enabled());
    CHECK(set->cluster.redis == "unix:/run/redis/redis.sock");
    CHECK(set->cluster.node == "n1");
    CHECK(set->cluster.prefix == "chat");
    CHECK(set->cluster.lease_ms == 2000);
    CHECK(set->cluster.heartbeat_ms == 500);
    CHECK(parse_config("[cluster]\nredis = \"tcp://127.0.0.1:6379\"\n", "t.toml").has_value());

    CHECK(contains(error_of("[cluster]\nredis = \"localhost:6379\"\n"), "test.toml:2: [cluster] redis must be"));
    CHECK(contains(error_of("[cluster]\nnode = \"a b\"\n"), "[cluster] node"));
    CHECK(contains(error_of("[cluster]\nnode = \"a:b\"\n"), "[cluster] node"));
    CHECK(contains(error_of("[cluster]\nprefix = \"\"\n"), "[cluster] prefix"));
    CHECK(contains(error_of("[cluster]\nlease_ms = 100\n"), "[cluster] lease_ms"));
    CHECK(contains(error_of("[cluster]\nheartbeat_ms = 50\n"), "[cluster] heartbeat_ms"));
    CHECK(contains(error_of("[cluster]\nlease_ms = 1000\nheartbeat_ms = 600\n"),
                   "heartbeat_ms (600) must be at most half of lease_ms (1000)"));
    CHECK(contains(error_of("[cluster]\nredis_url = \"x\"\n"), "unknown key 'redis_url' in [cluster]"));
}

}  // namespace natter
