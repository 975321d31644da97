// /metrics: the rendering of a filled scrape in the Prometheus text format,
// the histogram, how disconnect reasons are sorted, the counts the core
// keeps as a session is used, and who may read the page.
#include <doctest/doctest.h>

#include "tests/unit/printing.hpp"

#include <string>
#include <vector>

#include "src/config.hpp"
#include "src/disconnect_kind.hpp"
#include "src/histogram.hpp"
#include "src/metrics_page.hpp"
#include "src/metrics_scrape.hpp"
#include "src/web_endpoint.hpp"
#include "tests/unit/test_world.hpp"

namespace natter {
namespace {

std::vector<std::string> text_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return lines;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// The sample lines of one metric (name followed by a space or a brace).
std::vector<std::string> samples_of(const std::vector<std::string>& lines, const std::string& name) {
    std::vector<std::string> out;
    for (const auto& line : lines) {
        if (line.starts_with(name + " ") || line.starts_with(name + "{")) out.push_back(line);
    }
    return out;
}

std::uint64_t lines_of(const MetricsScrape& scrape, std::string_view command) {
    for (const auto& entry : scrape.lines_in) {
        if (entry.command == command) return entry.lines;
    }
    FAIL("no such command: " << command);
    return 0;
}

}  // namespace

TEST_CASE("Metrics: a filled scrape renders as Prometheus text, with HELP and TYPE") {
    MetricsScrape scrape;
    scrape.counters.logins = 3;
    scrape.counters.failed_logins = 1;
    scrape.counters.deliveries = 123456789012;
    scrape.counters.bytes_out = 4096;
    scrape.counters.count_disconnect(DisconnectKind::quit);
    scrape.counters.count_disconnect(DisconnectKind::kicked);
    scrape.counters.count_disconnect(DisconnectKind::kicked);
    scrape.lines_in = {{"say", 5}, {"tell", 2}, {"unknown", 0}};
    scrape.listeners = {{.kind = ListenerKind::telnet, .tls = false, .open = 4, .accepted = 9},
                        {.kind = ListenerKind::web, .tls = true, .open = 1, .accepted = 1}};
    scrape.users = 2;
    scrape.rooms = 1;
    scrape.output_queued_bytes = 17;
    scrape.resident_bytes = 10 << 20;
    scrape.open_descriptors = 12;
    scrape.version = "0.1.0";
    scrape.revision = "abc \"quoted\" \\ back\nslash";  // escaped in the label

    const auto lines = text_lines(render_metrics(scrape));
    CHECK(has(lines, "# HELP natter_logins_total Logins into the chat (guests, accounts and new registrations)."));
    CHECK(has(lines, "# TYPE natter_logins_total counter"));
    CHECK(has(lines, "natter_logins_total 3"));
    CHECK(has(lines, "natter_failed_logins_total 1"));
    CHECK(has(lines, "natter_deliveries_total 123456789012"));
    CHECK(has(lines, "natter_bytes_out_total 4096"));
    CHECK(has(lines, "# TYPE natter_users gauge"));
    CHECK(has(lines, "natter_users 2"));
    CHECK(has(lines, "natter_rooms 1"));
    CHECK(has(lines, "natter_output_queued_bytes 17"));
    CHECK(has(lines, "natter_process_resident_memory_bytes 10485760"));
    CHECK(has(lines, "natter_process_open_fds 12"));
    CHECK(samples_of(lines, "natter_lines_in_total") ==
          std::vector<std::string>{R"(natter_lines_in_total{command="say"} 5)",
                                   R"(natter_lines_in_total{command="tell"} 2)",
                                   R"(natter_lines_in_total{command="unknown"} 0)"});
    CHECK(samples_of(lines, "natter_connections_open") ==
          std::vector<std::string>{R"(natter_connections_open{listener="telnet",tls="false"} 4)",
                                   R"(natter_connections_open{listener="web",tls="true"} 1)"});
    CHECK(has(lines, R"(natter_connections_accepted_total{listener="telnet",tls="false"} 9)"));
    CHECK(has(lines, R"(natter_disconnects_total{reason="quit"} 1)"));
    CHECK(has(lines, R"(natter_disconnects_total{reason="kicked"} 2)"));
    CHECK(has(lines, R"(natter_disconnects_total{reason="flood"} 0)"));
    // Every reason is listed, counted or not.
    CHECK(samples_of(lines, "natter_disconnects_total").size() == disconnect_kind_count);
    CHECK(has(lines, R"(natter_build_info{version="0.1.0",revision="abc \"quoted\" \\ back\nslash"} 1)"));
    // No histogram given, none shown.
    CHECK(samples_of(lines, "natter_loop_iteration_seconds_count").empty());
    // Every sample's family was introduced by its HELP and TYPE lines first.
    for (const auto& line : lines) {
        if (line.empty() || line.starts_with("#")) continue;
        const auto name = line.substr(0, line.find_first_of(" {"));
        bool typed = false;
        for (const auto& other : lines) {
            if (&other == &line) break;
            if (other.starts_with("# TYPE ") && name.starts_with(other.substr(7, other.find(' ', 7) - 7))) typed = true;
        }
        CHECK_MESSAGE(typed, line);
    }
}

TEST_CASE("Metrics: histograms render cumulative buckets, +Inf, _sum and _count") {
    Histogram histogram{{0.001, 0.01, 0.1}};
    histogram.observe(0.0005);
    histogram.observe(0.001);  // on a bound: in that bucket
    histogram.observe(0.05);
    histogram.observe(3);
    CHECK(histogram.count() == 4);
    CHECK(histogram.counts().size() == 4);
    CHECK(histogram.counts()[0] == 2);
    CHECK(histogram.counts()[3] == 1);

    MetricsScrape scrape;
    scrape.loop_seconds = &histogram;
    const auto lines = text_lines(render_metrics(scrape));
    CHECK(has(lines, "# TYPE natter_loop_iteration_seconds histogram"));
    CHECK(samples_of(lines, "natter_loop_iteration_seconds_bucket") ==
          std::vector<std::string>{R"(natter_loop_iteration_seconds_bucket{le="0.001"} 2)",
                                   R"(natter_loop_iteration_seconds_bucket{le="0.01"} 2)",
                                   R"(natter_loop_iteration_seconds_bucket{le="0.1"} 3)",
                                   R"(natter_loop_iteration_seconds_bucket{le="+Inf"} 4)"});
    CHECK(has(lines, "natter_loop_iteration_seconds_count 4"));
    CHECK(has(lines, "natter_loop_iteration_seconds_sum 3.0515"));
}

TEST_CASE("Metrics: each of natter's disconnect reasons has its kind") {
    using enum DisconnectKind;
    const std::vector<std::pair<std::string, DisconnectKind>> reasons{
        {"logout", quit},
        {"peer closed", dropped},
        {"peer closed (close_notify)", dropped},
        {"connection gone", dropped},
        {"no answer to ping", dropped},
        {"connection reset by peer", dropped},
        {"output buffer full", output_full},
        {"stalled: took no output", stalled},
        {"too slow: kept everyone's input waiting", too_slow},
        {"flooding", flood},
        {"idle timeout", idle},
        {"login timeout", login_timeout},
        {"kicked by alice", kicked},
        {"banned", banned},
        {"banned name", banned},
        {"refused: banned or locked out", banned},
        {"too many failed logins", locked_out},
        {"refused", refused},
        {"taken over", taken_over},
        {"client-started compression", protocol},
        {"oversized telnet subnegotiations", protocol},
        {"websocket: invalid UTF-8", protocol},
        {"request head timeout", protocol},
        {"TLS handshake timeout", protocol},
        {"TLS handshake failed: wrong version number", protocol},
        {"closed during the TLS handshake", protocol},
        {"server shutdown", shutdown},
        {"restart: TLS cannot cross", shutdown},
    };
    for (const auto& [reason, kind] : reasons) {
        CHECK_MESSAGE(classify_disconnect(reason) == kind, reason);
    }
    CHECK(disconnect_kind_name(output_full) == "output_full");
    CHECK(disconnect_kind_name(shutdown) == "shutdown");
}

TEST_CASE("Metrics: the core counts logins, lines by command, deliveries, flood drops and disconnects") {
    auto config = test::test_config();
    config.limits.flood_burst = 4;  // lines at once; each session's own
    config.limits.flood_per_second = 1;
    test::TestWorld t{config};
    auto& ann = t.login("ann");
    auto& bob = t.login("bob");
    const auto before = t.world.metrics().deliveries;
    test::TestWorld::type(ann, "say hello");  // ann and bob each get it
    CHECK(t.world.metrics().deliveries - before == 2);
    test::TestWorld::type(ann, "frobnicate");  // unknown: one reply
    CHECK(t.world.metrics().deliveries - before == 3);
    for (int i = 0; i < 5; ++i) test::TestWorld::type(bob, "'quick");  // with its login, 6: two dropped
    CHECK(t.world.metrics().flood_dropped_lines == 2);
    auto& carl = t.login("carl");
    test::TestWorld::type(carl, "quit");

    const auto scrape = scrape_world(t.world);
    CHECK(scrape.counters.logins == 3);
    CHECK(lines_of(scrape, "login") == 3);
    CHECK(lines_of(scrape, "say") == 4);  // "say hello" and the three ' lines that passed
    CHECK(lines_of(scrape, "logout") == 1);  // quit is its alias
    CHECK(lines_of(scrape, "unknown") == 1);
    CHECK(scrape.counters.disconnects[static_cast<std::size_t>(DisconnectKind::quit)] == 1);
    CHECK(scrape.users == 2);
    CHECK(scrape.rooms == t.world.chat_rooms().size());
    CHECK(scrape.hashing_seconds != nullptr);
}

TEST_CASE("Metrics: /metrics is served to [metrics] allowed addresses only; the default is the machine itself") {
    const Config defaults;
    const auto request = [](std::vector<std::pair<std::string, std::string>> fields) {
        HttpRequest r;
        r.method = "GET";
        r.target = "/metrics";
        r.version = "HTTP/1.1";
        r.fields = std::move(fields);
        return r;
    };
    CHECK(web_metrics_allowed(request({}), "127.0.0.1", defaults));
    CHECK(web_metrics_allowed(request({}), "::1", defaults));
    CHECK_FALSE(web_metrics_allowed(request({}), "192.0.2.7", defaults));

    auto config = Config{};
    config.metrics.allowed = {*AddressRange::parse("10.0.0.0/8")};
    CHECK(web_metrics_allowed(request({}), "10.1.2.3", config));
    CHECK_FALSE(web_metrics_allowed(request({}), "127.0.0.1", config));

    // Behind a trusted proxy the forwarded client is checked, not the proxy.
    config.web.trusted_proxies = {*AddressRange::parse("10.0.0.1")};
    CHECK_FALSE(web_metrics_allowed(request({{"x-forwarded-for", "203.0.113.9"}}), "10.0.0.1", config));
    CHECK(web_metrics_allowed(request({{"x-forwarded-for", "10.9.9.9"}}), "10.0.0.1", config));
    // From an untrusted peer the header means nothing.
    CHECK_FALSE(web_metrics_allowed(request({{"x-forwarded-for", "10.9.9.9"}}), "192.0.2.7", config));
}

TEST_CASE("Config: [metrics] allowed takes CIDR ranges; a bad one is an error naming it") {
    const auto parsed = parse_config("[metrics]\nallowed = [\"10.0.0.0/8\", \"::1\"]\n", "test.toml");
    REQUIRE_MESSAGE(parsed.has_value(), parsed.error().message);
    REQUIRE(parsed->metrics.allowed.size() == 2);
    CHECK(parsed->metrics.allowed[0].contains("10.4.4.4"));
    CHECK(parsed->metrics.allowed[1].contains("::1"));
    const auto empty = parse_config("[metrics]\nallowed = []\n", "test.toml");
    REQUIRE(empty.has_value());
    CHECK(empty->metrics.allowed.empty());

    const auto bad = parse_config("[metrics]\nallowed = [\"10.0.0.0/33\"]\n", "test.toml");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message == "test.toml:2: [metrics] allowed has \"10.0.0.0/33\": not a numeric address or "
                                 "range such as \"10.0.0.0/8\"");
    const auto not_list = parse_config("[metrics]\nallowed = \"127.0.0.1\"\n", "test.toml");
    REQUIRE_FALSE(not_list.has_value());
    CHECK(not_list.error().message.find("[metrics] allowed must be an array") != std::string::npos);
}

}  // namespace natter
