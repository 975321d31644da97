// GET /metrics over TCP against the real natterd: after a scripted session
// (logins, a wrong password, says, tells, a quit and a kick) the counters
// hold exactly what happened, and an address outside [metrics] allowed gets
// 403 and no metrics.
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/ws_client.hpp"

using namespace natter::test;

namespace {

constexpr Millis slow{10000};  // an argon2 hash under sanitizers on a busy machine

ServerOptions metrics_server(std::string metrics_table = {}) {
    ServerOptions options;
    options.extra_tables = "[[listeners]]\nport = 0\nkind = \"web\"\n[operators]\nnames = [\"root\"]\n";
    if (!metrics_table.empty()) options.extra_tables += "[metrics]\n" + metrics_table;
    return options;
}

struct Scrape {
    int status = 0;
    std::string head;
    std::string body;
    std::map<std::string, double> samples;  // "name{labels}" → value

    [[nodiscard]] std::size_t wire_size() const { return head.size() + body.size(); }
    // The sample's value; fails the test (and gives -1) if it is missing.
    double operator[](const std::string& series) const {
        const auto it = samples.find(series);
        CHECK_MESSAGE(it != samples.end(), "no sample " << series);
        return it == samples.end() ? -1 : it->second;
    }
};

Scrape scrape(std::uint16_t port) {
    WsClient client{port};
    Scrape out;
    out.status = client.request("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    out.head = client.response_head();
    out.body = client.read_body();
    if (out.status != 200) return out;
    std::istringstream lines{out.body};
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line.starts_with('#')) continue;
        const auto space = line.rfind(' ');
        out.samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
    return out;
}

auto is(std::string_view wanted) {
    return [wanted](std::string_view line) { return line == wanted; };
}

// Reads lines until every one of `wanted` has come, adding up the lines and
// the bytes they took on the wire (each line and its CR LF).
void read_all(TcpClient& client, std::set<std::string> wanted, std::size_t& lines, std::size_t& bytes) {
    while (!wanted.empty()) {
        const auto line = client.read_line();
        REQUIRE_MESSAGE(line, "missing: " << *wanted.begin());
        bytes += line->size() + 2;
        ++lines;
        wanted.erase(*line);
    }
}

}  // namespace

TEST_CASE("Metrics over TCP: after a scripted session the counters are exact") {
    ServerProcess server{metrics_server()};
    const auto web = server.listener_port("web");
    REQUIRE(web != 0);

    TcpClient root = login_client(server.port(), "root");
    REQUIRE(root.send_line("register"));
    REQUIRE(root.read_until(is("Choose a password:")));
    REQUIRE(root.send_line("operator password"));
    REQUIRE(root.expect_line("Type the password again:"));
    REQUIRE(root.send_line("operator password"));
    REQUIRE(root.read_until([](std::string_view l) { return l.find("is now registered") != std::string_view::npos; },
                            slow));
    TcpClient ann = login_client(server.port(), "ann");
    TcpClient bob = login_client(server.port(), "bob");
    REQUIRE(root.read_until(is("bob has entered the room.")));
    REQUIRE(ann.read_until(is("bob has entered the room.")));
    // A wrong password for the registered name.
    TcpClient mallory{server.port()};
    REQUIRE(mallory.read_until(is("Welcome to TestChat")));
    REQUIRE(mallory.send_line("login root"));
    REQUIRE(mallory.read_until(is("Password:")));
    REQUIRE(mallory.send_line("not the password"));
    REQUIRE(mallory.read_until(is("Wrong password."), slow));

    const auto before = scrape(web);
    REQUIRE(before.status == 200);
    CHECK(before.head.find("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n") != std::string::npos);
    CHECK(before["natter_logins_total"] == 3);
    CHECK(before["natter_failed_logins_total"] == 1);
    CHECK(before["natter_users"] == 3);

    // Five says to the three in the lobby, two tells from ann to bob.
    for (int i = 1; i <= 3; ++i) REQUIRE(ann.send_line("say ann " + std::to_string(i)));
    for (int i = 1; i <= 2; ++i) REQUIRE(bob.send_line("say bob " + std::to_string(i)));
    REQUIRE(ann.send_line("tell bob psst 1"));
    REQUIRE(ann.send_line("tell bob psst 2"));
    std::size_t chat_bytes = 0;
    std::size_t delivered = 0;
    const std::set<std::string> says{"ann: ann 1", "ann: ann 2", "ann: ann 3", "bob: bob 1", "bob: bob 2"};
    read_all(root, says, delivered, chat_bytes);
    auto to_ann = says;
    to_ann.insert({"You tell bob: psst 1", "You tell bob: psst 2"});
    read_all(ann, to_ann, delivered, chat_bytes);
    auto to_bob = says;
    to_bob.insert({"ann tells you: psst 1", "ann tells you: psst 2"});
    read_all(bob, to_bob, delivered, chat_bytes);
    CHECK(delivered == 5 * 3 + 2 * 2);

    const auto after = scrape(web);
    CHECK(after["natter_lines_in_total{command=\"say\"}"] - before["natter_lines_in_total{command=\"say\"}"] == 5);
    CHECK(after["natter_lines_in_total{command=\"tell\"}"] == 2);
    CHECK(after["natter_deliveries_total"] - before["natter_deliveries_total"] == static_cast<double>(delivered));
    // What the three clients read, and the first scrape's own answer, sent
    // after its body was made.
    CHECK(after["natter_bytes_out_total"] - before["natter_bytes_out_total"] ==
          static_cast<double>(chat_bytes + before.wire_size()));

    // ann quits; root kicks bob.
    REQUIRE(ann.send_line("quit"));
    CHECK(ann.wait_closed());
    REQUIRE(root.send_line("kick bob"));
    CHECK(bob.wait_closed());
    REQUIRE(root.read_until(is("Kicked bob.")));

    const auto last = scrape(web);
    CHECK(last["natter_logins_total"] == 3);
    CHECK(last["natter_failed_logins_total"] == 1);
    CHECK(last["natter_users"] == 1);
    CHECK(last["natter_rooms"] == 1);
    CHECK(last["natter_disconnects_total{reason=\"quit\"}"] == 1);
    CHECK(last["natter_disconnects_total{reason=\"kicked\"}"] == 1);
    CHECK(last["natter_disconnects_total{reason=\"dropped\"}"] == 0);
    CHECK(last["natter_flood_dropped_lines_total"] == 0);
    // root's, ann's, bob's and mallory's login lines; quit counts as logout.
    CHECK(last["natter_lines_in_total{command=\"login\"}"] == 4);
    CHECK(last["natter_lines_in_total{command=\"logout\"}"] == 1);
    CHECK(last["natter_lines_in_total{command=\"kick\"}"] == 1);
    CHECK(last["natter_lines_in_total{command=\"register\"}"] == 1);
    CHECK(last["natter_lines_in_total{command=\"unknown\"}"] == 0);
    // root and mallory are still connected; this scrape is the third web request.
    CHECK(last["natter_connections_open{listener=\"telnet\",tls=\"false\"}"] == 2);
    CHECK(last["natter_connections_accepted_total{listener=\"telnet\",tls=\"false\"}"] == 4);
    CHECK(last["natter_connections_open{listener=\"web\",tls=\"false\"}"] == 1);
    CHECK(last["natter_connections_accepted_total{listener=\"web\",tls=\"false\"}"] == 3);
    // The registration's hash and mallory's check.
    CHECK(last["natter_password_hashing_seconds_count"] == 2);
    CHECK(last["natter_password_hashing_seconds_bucket{le=\"+Inf\"}"] == 2);
    CHECK(last["natter_password_hashes_waiting"] == 0);
    CHECK(last["natter_loop_iteration_seconds_count"] > 0);
    CHECK(last["natter_process_open_fds"] > 0);
    CHECK(last["natter_process_resident_memory_bytes"] > 1 << 20);
    const auto build = last.samples.lower_bound("natter_build_info{version=\"" NATTER_EXPECTED_VERSION "\",revision=\"");
    REQUIRE(build != last.samples.end());
    CHECK(build->first.starts_with("natter_build_info{version=\"" NATTER_EXPECTED_VERSION "\",revision=\""));
    CHECK(build->second == 1);
}

TEST_CASE("Metrics over TCP: an address outside [metrics] allowed gets 403 and no metrics") {
    ServerProcess server{metrics_server("allowed = [\"10.0.0.0/8\"]\n")};
    const auto web = server.listener_port("web");
    REQUIRE(web != 0);
    const auto refused = scrape(web);
    CHECK(refused.status == 403);
    CHECK(refused.body.find("natter_") == std::string::npos);
    CHECK(refused.samples.empty());
    // The page itself is still served.
    WsClient page{web};
    CHECK(page.request("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") == 200);
}
