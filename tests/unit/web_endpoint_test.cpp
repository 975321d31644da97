// WebEndpoint: what natter answers to each request on a web listener, the
// upgrade to a WebSocket, the WebSocket's messages and close in both
// directions, pings, the head timeout, and the Origin and proxy rules.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "src/address_range.hpp"
#include "src/config.hpp"
#include "src/http_request.hpp"
#include "src/web_endpoint.hpp"

namespace natter {
namespace {

using Clock = WebEndpoint::Clock;

struct Host final : WebHost {
    std::vector<std::string> upgrades;
    std::vector<std::string> messages;
    std::string sent;
    std::vector<std::string> closed;

    void on_web_upgrade(std::string_view address, bool proxy_tls) override {
        upgrades.emplace_back(address);
        proxy_said_tls = proxy_tls;
    }
    bool proxy_said_tls = false;
    void on_web_message(std::string_view text) override { messages.emplace_back(text); }
    void web_send(std::string_view bytes) override { sent.append(bytes); }
    void on_web_closed(std::string_view reason) override { closed.emplace_back(reason); }
    std::string web_metrics() override {
        ++scrapes;
        return "natter_test_metric 1\n";
    }
    int scrapes = 0;
};

std::string upgrade_request(std::string_view extra = {}, std::string_view version = "13") {
    return "GET /ws HTTP/1.1\r\nHost: chat.example:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: " +
           std::string{version} + "\r\n" + std::string{extra} + "\r\n";
}

std::string masked_text(std::string_view payload) {
    std::string out{"\x81"};
    out.push_back(static_cast<char>(0x80U | payload.size()));
    out.append("\x01\x02\x03\x04");
    for (std::size_t i = 0; i < payload.size(); ++i) out.push_back(static_cast<char>(payload[i] ^ (i % 4 + 1)));
    return out;
}

std::string masked_close(std::uint16_t code) {
    std::string out{"\x88\x82\x00\x00\x00\x00", 6};
    out.push_back(static_cast<char>(code >> 8U));
    out.push_back(static_cast<char>(code & 0xFFU));
    return out;
}

struct Answer {
    std::string output;
    bool finished = false;
    bool upgraded = false;
};

Answer answer_to(const std::string& request, const Config& config = {}) {
    WebEndpoint endpoint{"192.0.2.10", Clock::now()};
    Host host;
    endpoint.receive(request, config, host);
    return {endpoint.output(), endpoint.finished(), endpoint.upgraded()};
}

std::string status_line(const std::string& output) { return output.substr(0, output.find("\r\n")); }

HttpRequest request_with(std::vector<std::pair<std::string, std::string>> fields) {
    HttpRequest request;
    request.method = "GET";
    request.target = "/ws";
    request.version = "HTTP/1.1";
    request.fields = std::move(fields);
    return request;
}

Config with_proxies(std::initializer_list<std::string_view> ranges) {
    Config config;
    for (const auto range : ranges) config.web.trusted_proxies.push_back(*AddressRange::parse(range));
    return config;
}

}  // namespace

TEST_CASE("Web: Sec-WebSocket-Accept is RFC 6455's worked example") {
    CHECK(websocket_accept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("Web: the page, its files and /healthz are served, once per connection") {
    const auto page = answer_to("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(status_line(page.output) == "HTTP/1.1 200 OK");
    CHECK(page.output.find("Content-Type: text/html; charset=utf-8\r\n") != std::string::npos);
    CHECK(page.output.find("Content-Security-Policy: default-src 'self'") != std::string::npos);
    CHECK(page.output.find("X-Content-Type-Options: nosniff\r\n") != std::string::npos);
    CHECK(page.output.find("Connection: close\r\n") != std::string::npos);
    CHECK(page.output.find("<html") != std::string::npos);
    CHECK(page.finished);
    CHECK_FALSE(page.upgraded);

    const auto script = answer_to("GET /chat.js?v=1 HTTP/1.1\r\n\r\n");
    CHECK(status_line(script.output) == "HTTP/1.1 200 OK");
    CHECK(script.output.find("Content-Type: text/javascript") != std::string::npos);

    const auto health = answer_to("GET /healthz HTTP/1.1\r\n\r\n");
    CHECK(status_line(health.output) == "HTTP/1.1 200 OK");
    CHECK(health.output.ends_with("\r\n\r\nok\n"));

    // HEAD: the same head, no body.
    const auto head = answer_to("HEAD /healthz HTTP/1.1\r\n\r\n");
    CHECK(status_line(head.output) == "HTTP/1.1 200 OK");
    CHECK(head.output.find("Content-Length: 3\r\n") != std::string::npos);
    CHECK(head.output.ends_with("\r\n\r\n"));
}

TEST_CASE("Web: unknown paths, other methods and bad heads get their statuses") {
    CHECK(status_line(answer_to("GET /nope HTTP/1.1\r\n\r\n").output) == "HTTP/1.1 404 Not Found");
    CHECK(status_line(answer_to("GET /../etc/passwd HTTP/1.1\r\n\r\n").output) == "HTTP/1.1 404 Not Found");
    const auto post = answer_to("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    CHECK(status_line(post.output) == "HTTP/1.1 405 Method Not Allowed");
    CHECK(post.output.find("Allow: GET, HEAD\r\n") != std::string::npos);
    CHECK(status_line(answer_to("GET / HTTP/3.0\r\n\r\n").output) == "HTTP/1.1 505 HTTP Version Not Supported");
    const auto bad = answer_to("nonsense\r\n\r\n");
    CHECK(status_line(bad.output) == "HTTP/1.1 400 Bad Request");
    CHECK(bad.finished);
    // /ws without the upgrade fields is a plain 400.
    CHECK(status_line(answer_to("GET /ws HTTP/1.1\r\n\r\n").output) == "HTTP/1.1 400 Bad Request");
    CHECK(status_line(answer_to(upgrade_request({}, "8")).output) == "HTTP/1.1 426 Upgrade Required");
    CHECK(answer_to(upgrade_request({}, "8")).output.find("Sec-WebSocket-Version: 13\r\n") != std::string::npos);
    const std::string bad_key = "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n";
    CHECK(status_line(answer_to(bad_key).output) == "HTTP/1.1 400 Bad Request");
}

TEST_CASE("Web: /ws upgrades, carries messages both ways, and answers pings and the close") {
    Config config;
    WebEndpoint endpoint{"192.0.2.10", Clock::now()};
    Host host;
    // The first frame comes in the same read as the head.
    endpoint.receive(upgrade_request("Sec-WebSocket-Protocol: chat, natter.v1\r\n") + masked_text("login ann"), config,
                     host);
    REQUIRE(endpoint.upgraded());
    const auto& out = endpoint.output();
    CHECK(status_line(out) == "HTTP/1.1 101 Switching Protocols");
    CHECK(out.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") != std::string::npos);
    CHECK(out.find("Sec-WebSocket-Protocol: natter.v1\r\n") != std::string::npos);
    CHECK(out.find("Sec-WebSocket-Extensions") == std::string::npos);
    CHECK(out.ends_with("\r\n\r\n"));
    CHECK(host.upgrades == std::vector<std::string>{"192.0.2.10"});
    CHECK(host.messages == std::vector<std::string>{"login ann"});

    // A ping gets a pong with the same payload.
    endpoint.receive(std::string{"\x89\x82\x00\x00\x00\x00hi", 8}, config, host);
    CHECK(host.sent == std::string{"\x8A\x02hi", 4});
    host.sent.clear();

    endpoint.receive(masked_close(1000), config, host);
    CHECK(host.sent == std::string{"\x88\x02\x03\xE8", 4});  // the close, echoed
    CHECK(host.closed == std::vector<std::string>{"peer closed"});
    CHECK(endpoint.finished());
    endpoint.receive(masked_text("say too late"), config, host);
    CHECK(host.messages.size() == 1);
}

TEST_CASE("Web: a WebSocket message over [limits] line_max_bytes closes with 1009") {
    Config config;
    config.limits.line_max_bytes = 16;
    WebEndpoint endpoint{"192.0.2.10", Clock::now()};
    Host host;
    endpoint.receive(upgrade_request(), config, host);
    endpoint.receive(masked_text(std::string(17, 'x')), config, host);
    CHECK(host.messages.empty());
    REQUIRE(host.sent.size() >= 4);
    CHECK(host.sent.substr(0, 4) == std::string{"\x88", 1} + static_cast<char>(host.sent.size() - 2) + "\x03\xF1");
    REQUIRE(host.closed.size() == 1);
    CHECK(host.closed[0] == "websocket: message too long");
}

TEST_CASE("Web: natter's own close is sent once, and the session is told the peer's close once") {
    Config config;
    WebEndpoint endpoint{"192.0.2.10", Clock::now()};
    Host host;
    endpoint.close_from_server(ws_close::going_away, "restart", host);
    CHECK(host.sent.empty());  // nothing to close before the upgrade
    endpoint.receive(upgrade_request(), config, host);
    endpoint.close_from_server(ws_close::going_away, "restart", host);
    endpoint.close_from_server(ws_close::normal, "again", host);
    CHECK(host.sent == std::string{"\x88\x09\x03\xE9restart", 11});
    CHECK(endpoint.finished());
}

TEST_CASE("Web: a request head must be whole within the head timeout") {
    Config config;
    const auto start = Clock::now();
    WebEndpoint endpoint{"192.0.2.10", start};
    Host host;
    endpoint.receive("GET / HTTP/1.1\r\nHost:", config, host);
    CHECK(endpoint.tick(start + std::chrono::seconds{9}, config, host));
    CHECK_FALSE(endpoint.tick(start + WebEndpoint::head_timeout, config, host));
}

TEST_CASE("Web: pings every [web] ping_s; one unanswered for as long ends the connection") {
    Config config;
    config.web.ping_s = 30;
    const auto start = Clock::now();
    WebEndpoint endpoint{"192.0.2.10", start};
    Host host;
    endpoint.receive(upgrade_request(), config, host);
    CHECK(endpoint.tick(start + std::chrono::seconds{29}, config, host));
    CHECK(host.sent.empty());
    CHECK(endpoint.tick(start + std::chrono::seconds{30}, config, host));
    CHECK(host.sent == std::string{"\x89\x06natter", 8});
    // Answered: the next interval pings again.
    endpoint.receive(std::string{"\x8A\x80\x00\x00\x00\x00", 6}, config, host);
    CHECK(endpoint.tick(start + std::chrono::seconds{60}, config, host));
    CHECK(host.sent.size() == 16);
    // Not answered: the one after drops the connection.
    CHECK(endpoint.tick(start + std::chrono::seconds{75}, config, host));
    CHECK_FALSE(endpoint.tick(start + std::chrono::seconds{90}, config, host));

    config.web.ping_s = 0;  // never
    WebEndpoint quiet{"192.0.2.10", start};
    Host quiet_host;
    quiet.receive(upgrade_request(), config, quiet_host);
    CHECK(quiet.tick(start + std::chrono::hours{5}, config, quiet_host));
    CHECK(quiet_host.sent.empty());
}

TEST_CASE("Web: refusing before the request is read answers 503 with Retry-After") {
    WebEndpoint endpoint{"192.0.2.10", Clock::now()};
    endpoint.refuse(503, "natter is full");
    CHECK(status_line(endpoint.output()) == "HTTP/1.1 503 Service Unavailable");
    CHECK(endpoint.output().find("Retry-After: 60\r\n") != std::string::npos);
    CHECK(endpoint.output().ends_with("natter is full\n"));
    CHECK(endpoint.finished());
}

TEST_CASE("Web: the Origin check: none, the page's own host, or the configured list") {
    Config config;
    CHECK(web_origin_allowed(request_with({{"host", "chat.example:8080"}}), config));  // no Origin: a bot
    CHECK(web_origin_allowed(request_with({{"host", "chat.example:8080"}, {"origin", "http://chat.example:8080"}}),
                             config));
    CHECK(web_origin_allowed(request_with({{"host", "Chat.Example:8080"}, {"origin", "HTTPS://chat.example:8080"}}),
                             config));
    CHECK_FALSE(web_origin_allowed(request_with({{"host", "chat.example:8080"}, {"origin", "http://evil.example"}}),
                                   config));
    CHECK_FALSE(web_origin_allowed(request_with({{"origin", "http://chat.example:8080"}}), config));  // no Host
    CHECK_FALSE(web_origin_allowed(request_with({{"host", "chat.example"}, {"origin", "null"}}), config));

    config.web.allowed_origins = {"https://talker.example"};
    CHECK(web_origin_allowed(request_with({{"host", "10.0.0.5:8080"}, {"origin", "https://talker.example"}}), config));
    // With a list, the host's own origin is no longer enough.
    CHECK_FALSE(
        web_origin_allowed(request_with({{"host", "10.0.0.5:8080"}, {"origin", "http://10.0.0.5:8080"}}), config));

    // Through the endpoint: a foreign page gets 403 and no session is made.
    WebEndpoint endpoint{"192.0.2.10", Clock::now()};
    Host host;
    endpoint.receive(upgrade_request("Origin: http://evil.example\r\n"), config, host);
    CHECK(status_line(endpoint.output()) == "HTTP/1.1 403 Forbidden");
    CHECK(host.upgrades.empty());
    CHECK_FALSE(endpoint.upgraded());
}

TEST_CASE("Web: a trusted proxy, and only one, can say the client came over TLS") {
    const auto proxies = with_proxies({"127.0.0.1"});
    const auto https = request_with({{"x-forwarded-proto", "https"}});
    CHECK(web_proxy_says_tls(https, "127.0.0.1", proxies));
    CHECK_FALSE(web_proxy_says_tls(https, "198.51.100.1", proxies));  // anyone can send the header
    CHECK_FALSE(web_proxy_says_tls(request_with({{"x-forwarded-proto", "http"}}), "127.0.0.1", proxies));
    // The nearest proxy's word counts: it is the rightmost.
    CHECK_FALSE(web_proxy_says_tls(request_with({{"x-forwarded-proto", "https, http"}}), "127.0.0.1", proxies));
    CHECK(web_proxy_says_tls(request_with({{"forwarded", "for=192.0.2.60;proto=https"}}), "127.0.0.1", proxies));
    CHECK_FALSE(web_proxy_says_tls(request_with({{"forwarded", "for=192.0.2.60"}}), "127.0.0.1", proxies));
    CHECK_FALSE(web_proxy_says_tls(request_with({}), "127.0.0.1", proxies));
}

TEST_CASE("Web: /metrics is the host's text from an allowed address, 403 with no metrics from others") {
    Host host;
    WebEndpoint allowed{"127.0.0.1", Clock::now()};
    allowed.receive("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", Config{}, host);
    CHECK(status_line(allowed.output()) == "HTTP/1.1 200 OK");
    CHECK(allowed.output().find("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n") != std::string::npos);
    CHECK(allowed.output().ends_with("\r\n\r\nnatter_test_metric 1\n"));
    CHECK(allowed.finished());
    CHECK(host.scrapes == 1);

    WebEndpoint other{"192.0.2.10", Clock::now()};
    other.receive("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", Config{}, host);
    CHECK(status_line(other.output()) == "HTTP/1.1 403 Forbidden");
    CHECK(other.output().find("natter_") == std::string::npos);
    CHECK(host.scrapes == 1);  // nothing was gathered for it
}

TEST_CASE("Web: a forwarded client address is believed from trusted proxies only") {
    const auto request = request_with({{"x-forwarded-for", "203.0.113.9, 10.0.0.2"}});
    // Not trusted: the peer is the client, whatever it says.
    CHECK(web_client_address(request, "198.51.100.1", Config{}) == "198.51.100.1");
    // The rightmost address that is not a trusted proxy is the client.
    const auto proxies = with_proxies({"127.0.0.1", "10.0.0.0/8"});
    CHECK(web_client_address(request, "127.0.0.1", proxies) == "203.0.113.9");
    CHECK(web_client_address(request_with({{"x-forwarded-for", "10.1.1.1, 10.0.0.2"}}), "127.0.0.1", proxies) ==
          "127.0.0.1");
    // One forged address on the left changes nothing: it is left of the client.
    CHECK(web_client_address(request_with({{"x-forwarded-for", "1.2.3.4, 203.0.113.9"}}), "127.0.0.1", proxies) ==
          "203.0.113.9");
    // Garbage in the chain: nothing in it is believed.
    CHECK(web_client_address(request_with({{"x-forwarded-for", "203.0.113.9, evil"}}), "127.0.0.1", proxies) ==
          "127.0.0.1");
    // Forwarded (RFC 7239), with quoting, ports and IPv6 brackets.
    CHECK(web_client_address(request_with({{"forwarded", "for=192.0.2.60;proto=https;by=203.0.113.43"}}),
                             "127.0.0.1", proxies) == "192.0.2.60");
    CHECK(web_client_address(request_with({{"forwarded", "for=\"[2001:db8:cafe::17]:4711\""}}), "127.0.0.1",
                             proxies) == "2001:db8:cafe::17");
    CHECK(web_client_address(request_with({{"forwarded", "for=198.51.100.17:80, for=10.0.0.3"}}), "127.0.0.1",
                             proxies) == "198.51.100.17");
    CHECK(web_client_address(request_with({{"forwarded", "for=_hidden"}}), "127.0.0.1", proxies) == "127.0.0.1");

    // Through the endpoint: the session gets the forwarded address.
    WebEndpoint endpoint{"10.0.0.2", Clock::now()};
    Host host;
    endpoint.receive(upgrade_request("X-Forwarded-For: 203.0.113.9\r\n"), proxies, host);
    CHECK(host.upgrades == std::vector<std::string>{"203.0.113.9"});
}

TEST_CASE("Address ranges: CIDR for IPv4 and IPv6, IPv4-mapped addresses counted as IPv4") {
    const auto eight = AddressRange::parse("10.0.0.0/8");
    REQUIRE(eight);
    CHECK(eight->contains("10.255.1.2"));
    CHECK_FALSE(eight->contains("11.0.0.1"));
    CHECK(eight->contains("::ffff:10.1.2.3"));
    CHECK_FALSE(eight->contains("::1"));
    CHECK_FALSE(eight->contains("not an address"));

    const auto odd = AddressRange::parse("192.168.0.0/23");
    REQUIRE(odd);
    CHECK(odd->contains("192.168.1.200"));
    CHECK_FALSE(odd->contains("192.168.2.1"));

    const auto one = AddressRange::parse("127.0.0.1");
    REQUIRE(one);
    CHECK(one->contains("127.0.0.1"));
    CHECK_FALSE(one->contains("127.0.0.2"));

    const auto doc = AddressRange::parse("2001:db8::/32");
    REQUIRE(doc);
    CHECK(doc->contains("2001:db8:1::5"));
    CHECK_FALSE(doc->contains("2001:db9::1"));
    CHECK_FALSE(doc->contains("32.1.13.184"));

    const auto all = AddressRange::parse("0.0.0.0/0");
    REQUIRE(all);
    CHECK(all->contains("203.0.113.1"));

    for (const auto* bad : {"", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/8x", "example.com", "10.0.0/8",
                            "1.2.3.4/-1"}) {
        CAPTURE(bad);
        CHECK_FALSE(AddressRange::parse(bad));
    }
    CHECK(is_numeric_address("::1"));
    CHECK_FALSE(is_numeric_address("localhost"));
    CHECK(any_contains({*one, *eight}, "10.9.9.9"));
    CHECK_FALSE(any_contains({}, "10.9.9.9"));
}

}  // namespace natter
