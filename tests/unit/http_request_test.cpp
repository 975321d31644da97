// HttpRequestParser: request heads split anywhere, the fields a WebSocket
// upgrade needs, and every bound and malformation refused with its status.
#include <doctest/doctest.h>

#include <string>

#include "src/http_request.hpp"

namespace natter {
namespace {

const std::string upgrade_head =
    "GET /ws?x=1 HTTP/1.1\r\n"
    "Host: 127.0.0.1:8080\r\n"
    "Upgrade: websocket\r\n"
    "Connection: keep-alive, Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "Origin: http://127.0.0.1:8080\r\n"
    "X-Forwarded-For: 192.0.2.1\r\n"
    "X-Forwarded-For: 198.51.100.7\r\n"
    "\r\n";

int status_of(const std::string& head) {
    HttpRequestParser parser;
    parser.feed(head);
    REQUIRE(parser.state() == HttpRequestParser::State::failed);
    return parser.error_status();
}

}  // namespace

TEST_CASE("HTTP request: a head is parsed, field names lower-cased, values trimmed") {
    HttpRequestParser parser;
    const std::string bytes = upgrade_head + "\x81\x85rest";
    const auto used = parser.feed(bytes);
    REQUIRE(parser.state() == HttpRequestParser::State::done);
    CHECK(used == upgrade_head.size());  // what follows is the WebSocket's
    const auto& r = parser.request();
    CHECK(r.method == "GET");
    CHECK(r.target == "/ws?x=1");
    CHECK(r.path() == "/ws");
    CHECK(r.version == "HTTP/1.1");
    CHECK(r.field("host") == "127.0.0.1:8080");
    CHECK(r.field("sec-websocket-key") == "dGhlIHNhbXBsZSBub25jZQ==");
    CHECK_FALSE(r.field("cookie").has_value());
    CHECK(r.field_has_token("connection", "upgrade"));
    CHECK(r.field_has_token("connection", "Keep-Alive"));
    CHECK_FALSE(r.field_has_token("connection", "close"));
    CHECK(r.field_list("x-forwarded-for") == "192.0.2.1, 198.51.100.7");
}

TEST_CASE("HTTP request: the same head split at every byte gives the same request") {
    for (std::size_t cut = 0; cut <= upgrade_head.size(); ++cut) {
        CAPTURE(cut);
        HttpRequestParser parser;
        const auto first = parser.feed(std::string_view{upgrade_head}.substr(0, cut));
        CHECK(first == cut);
        parser.feed(std::string_view{upgrade_head}.substr(cut));
        REQUIRE(parser.state() == HttpRequestParser::State::done);
        CHECK(parser.request().fields.size() == 8);
    }
    HttpRequestParser bytewise;
    for (const char c : upgrade_head) bytewise.feed(std::string_view{&c, 1});
    CHECK(bytewise.state() == HttpRequestParser::State::done);
    CHECK(bytewise.request().target == "/ws?x=1");
}

TEST_CASE("HTTP request: bare LF line ends and leading empty lines are taken") {
    HttpRequestParser parser;
    parser.feed("\r\n\nGET / HTTP/1.0\nHost: x\n\n");
    REQUIRE(parser.state() == HttpRequestParser::State::done);
    CHECK(parser.request().version == "HTTP/1.0");
    CHECK(parser.request().field("host") == "x");
}

TEST_CASE("HTTP request: malformed heads get 400, and the rest their own statuses") {
    CHECK(status_of("GET\r\n\r\n") == 400);
    CHECK(status_of("GET /\r\n\r\n") == 400);
    CHECK(status_of("GET  / HTTP/1.1\r\n\r\n") == 400);            // an empty target
    CHECK(status_of("G(T / HTTP/1.1\r\n\r\n") == 400);              // not a token
    CHECK(status_of("GET http://x/ HTTP/1.1\r\n\r\n") == 400);       // not origin-form
    CHECK(status_of("GET / FTP/1.0\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/2.0\r\n\r\n") == 505);
    CHECK(status_of("GET / HTTP/1.1\r\nno colon\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost : x\r\n\r\n") == 400);   // space before the colon
    CHECK(status_of("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nA: b\x01" "c\r\n\r\n") == 400);
    CHECK(status_of("GET /" + std::string(3000, 'a') + " HTTP/1.1\r\n\r\n") == 414);
}

TEST_CASE("HTTP request: a head over 8 KiB, or with too many fields, is refused with 431") {
    std::string big = "GET / HTTP/1.1\r\n";
    while (big.size() <= HttpRequestParser::max_head_bytes) big += "X-Filler: " + std::string(100, 'f') + "\r\n";
    CHECK(status_of(big + "\r\n") == 431);
    std::string many = "GET / HTTP/1.1\r\n";
    for (std::size_t i = 0; i <= HttpRequestParser::max_fields; ++i) many += "F" + std::to_string(i) + ": v\r\n";
    CHECK(status_of(many + "\r\n") == 431);
    // A request line that never ends is cut off at the bound too.
    HttpRequestParser parser;
    for (int i = 0; i < 100 && parser.state() == HttpRequestParser::State::reading; ++i) {
        parser.feed(std::string(1000, 'a'));
    }
    CHECK(parser.state() == HttpRequestParser::State::failed);
    CHECK(parser.error_status() == 414);
}

}  // namespace natter
