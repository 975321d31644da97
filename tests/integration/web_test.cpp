// The web listener over TCP against the real natterd, with a raw-socket
// WebSocket client of the tests' own: the page and /healthz, the upgrade,
// JSON events, telnet and web users in one chat, pings both ways, the close
// codes RFC 6455 asks for, the Origin check, forwarded addresses from
// trusted proxies only, and the bounds (head timeout, server full).
#include <chrono>
#include <csignal>
#include <functional>
#include <optional>
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/ws_client.hpp"

using namespace natter::test;
using namespace std::chrono_literals;
using Json = nlohmann::json;

namespace {

ServerOptions web_server(std::string web_table = {}, std::string limits = {}) {
    ServerOptions options;
    options.extra_tables = "[[listeners]]\nport = 0\nkind = \"web\"\n";
    if (!web_table.empty()) options.extra_tables += "[web]\n" + web_table;
    options.limits += limits;
    return options;
}

// The next JSON event of `type` (and satisfying `match`, if given).
std::optional<Json> expect_event(WsClient& client, std::string_view type,
                                 const std::function<bool(const Json&)>& match = {}, Millis timeout = default_timeout) {
    std::optional<Json> found;
    client.read_text_until(
        [&](std::string_view text) {
            auto event = Json::parse(text, nullptr, false);
            if (event.is_discarded() || event.value("type", "") != type) return false;
            if (match && !match(event)) return false;
            found = std::move(event);
            return true;
        },
        timeout);
    return found;
}

bool text_is(const Json& event, std::string_view text) { return event.value("text", "") == text; }

// A web client upgraded and logged in as `name`, in the lobby.
WsClient web_login(std::uint16_t port, std::string_view name, std::string_view extra = {}) {
    WsClient client{port};
    REQUIRE(client.upgrade(extra) == 101);
    REQUIRE(expect_event(client, "system", [](const Json& e) { return text_is(e, "Welcome to TestChat"); }));
    REQUIRE(client.send_text("login " + std::string{name}));
    REQUIRE(expect_event(client, "signed_in"));
    return client;
}

// GET `target` on its own connection: the status, with the whole answer.
std::pair<int, std::string> http_get(std::uint16_t port, std::string_view target, std::string_view method = "GET") {
    WsClient client{port};
    const auto status = client.request(std::string{method} + " " + std::string{target} +
                                       " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    return {status, client.response_head() + client.read_body()};
}

}  // namespace

TEST_CASE("Web over TCP: the page, its files and /healthz come from natterd; other requests get their statuses") {
    ServerProcess server{web_server()};
    const auto port = server.listener_port("web");
    REQUIRE(port != 0);
    const auto [page_status, page] = http_get(port, "/");
    CHECK(page_status == 200);
    CHECK(page.find("Content-Type: text/html; charset=utf-8") != std::string::npos);
    CHECK(page.find("chat.js") != std::string::npos);
    CHECK(http_get(port, "/chat.js").first == 200);
    CHECK(http_get(port, "/chat.css").first == 200);
    const auto [health_status, health] = http_get(port, "/healthz");
    CHECK(health_status == 200);
    CHECK(health.ends_with("\r\n\r\nok\n"));
    CHECK(http_get(port, "/healthz", "HEAD").second.ends_with("\r\n\r\n"));
    CHECK(http_get(port, "/missing").first == 404);
    CHECK(http_get(port, "/", "DELETE").first == 405);
    CHECK(http_get(port, "/ws").first == 400);  // not an upgrade

    // A head over 8 KiB is refused, and the server goes on.
    WsClient big{port};
    CHECK(big.request("GET / HTTP/1.1\r\nX-Big: " + std::string(9000, 'b') + "\r\n\r\n") == 431);
    CHECK(big.wait_closed());
    CHECK(http_get(port, "/healthz").first == 200);
}

TEST_CASE("Web over TCP: the upgrade, then one message per command line and one JSON event per message") {
    ServerProcess server{web_server()};
    WsClient client{server.listener_port("web")};
    REQUIRE(client.upgrade("Sec-WebSocket-Protocol: natter.v1\r\n") == 101);
    const auto& head = client.response_head();
    CHECK(head.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") != std::string::npos);
    CHECK(head.find("Sec-WebSocket-Protocol: natter.v1\r\n") != std::string::npos);
    CHECK(head.find("Sec-WebSocket-Extensions") == std::string::npos);

    const auto welcome = client.read_frame();
    REQUIRE(welcome);
    CHECK(welcome->opcode == 1);
    CHECK_FALSE(welcome->masked);
    const auto event = Json::parse(welcome->payload);
    CHECK(event == Json{{"v", 1}, {"type", "system"}, {"text", "Welcome to TestChat"}});

    REQUIRE(client.send_text("login Webby"));  // no CR LF: a message is a line
    const auto signed_in = expect_event(client, "signed_in");
    REQUIRE(signed_in);
    CHECK((*signed_in)["name"] == "Webby");
    CHECK((*signed_in)["room"] == "lobby");
    const auto room = expect_event(client, "room");
    REQUIRE(room);
    CHECK((*room)["people"] == Json::array({"Webby"}));

    REQUIRE(client.send_text("say hello, web"));
    const auto say = expect_event(client, "say");
    REQUIRE(say);
    CHECK((*say)["from"] == "Webby");
    CHECK((*say)["message"] == "hello, web");
    CHECK((*say)["text"] == "Webby: hello, web");
    CHECK((*say)["room"] == "lobby");
    CHECK((*say).contains("at"));

    REQUIRE(client.send_text("who"));
    const auto who = expect_event(client, "who");
    REQUIRE(who);
    CHECK((*who)["people"] == Json::array({Json{{"name", "Webby"}, {"room", "lobby"}}}));
    CHECK(expect_event(client, "system", [](const Json& e) { return text_is(e, "Webby (lobby)"); }));

    REQUIRE(client.send_text("logout"));
    const auto goodbye = expect_event(client, "goodbye");
    REQUIRE(goodbye);
    const auto close = client.expect_close();
    REQUIRE(close);
    CHECK(close->close_code() == 1000);
    CHECK(client.wait_closed());
}

TEST_CASE("Web over TCP: telnet and web users share rooms, says, who and tells") {
    ServerProcess server{web_server()};
    TcpClient alice = login_client(server.port(), "alice");
    WsClient webby = web_login(server.listener_port("web"), "webby");

    CHECK(alice.read_until([](std::string_view l) { return l == "webby has entered the room."; }));
    REQUIRE(alice.send_line("say hi from telnet"));
    REQUIRE(alice.expect_line("alice: hi from telnet"));
    const auto heard = expect_event(webby, "say", [](const Json& e) { return e["from"] == "alice"; });
    REQUIRE(heard);
    CHECK((*heard)["text"] == "alice: hi from telnet");

    REQUIRE(webby.send_text("say hi from the browser"));
    CHECK(alice.expect_line("webby: hi from the browser"));
    REQUIRE(webby.send_text("me waves"));
    CHECK(alice.expect_line("webby waves"));

    REQUIRE(alice.send_line("who"));
    REQUIRE(alice.read_until([](std::string_view l) { return l == "The following are logged in:"; }));
    CHECK(alice.read_until([](std::string_view l) { return names_user(l, "webby"); }));

    REQUIRE(webby.send_text("tell alice psst"));
    CHECK(alice.read_until([](std::string_view l) { return l.find("psst") != std::string_view::npos; }));
    REQUIRE(alice.send_line("tell webby hush"));
    const auto tell = expect_event(webby, "tell");
    REQUIRE(tell);
    CHECK((*tell)["from"] == "alice");
    CHECK((*tell)["message"] == "hush");

    // Rooms: a join that makes a room is told as the new room list, and the
    // web user sees who is in the room it enters.
    REQUIRE(webby.send_text("join cellar"));
    const auto rooms = expect_event(webby, "rooms", [](const Json& e) { return e["rooms"].size() == 2; });
    REQUIRE(rooms);
    CHECK((*rooms)["rooms"] == Json::array({"lobby", "cellar"}));
    const auto cellar = expect_event(webby, "room", [](const Json& e) { return e["room"] == "cellar"; });
    REQUIRE(cellar);
    CHECK((*cellar)["people"] == Json::array({"webby"}));
    REQUIRE(alice.send_line("join cellar"));
    const auto entered = expect_event(webby, "entered");
    REQUIRE(entered);
    CHECK((*entered)["who"] == "alice");
    CHECK((*entered)["room"] == "cellar");

    // A web user who goes is seen going.
    webby.tcp().close();
    CHECK(alice.read_until([](std::string_view l) { return l.find("webby") != std::string_view::npos; }));
}

TEST_CASE("Web over TCP: a ping is answered; the server pings, and drops a client that never answers") {
    ServerProcess server{web_server("ping_s = 1\n")};
    const auto port = server.listener_port("web");
    WsClient client = web_login(port, "pinger");
    REQUIRE(client.send_raw(ws_client_frame(0x89, "are you there")));
    const auto pong = client.read_frame();
    REQUIRE(pong);
    // The welcome's events may come first; skip to the pong.
    auto frame = pong;
    for (int i = 0; i < 20 && frame && frame->opcode != 10; ++i) frame = client.read_frame();
    REQUIRE(frame);
    CHECK(frame->opcode == 10);
    CHECK(frame->payload == "are you there");

    // Two clients, one answering the server's pings (read_text_until does)
    // and one that never does: the silent one is gone within about two
    // intervals, the other stays.
    WsClient silent = web_login(port, "silent");
    bool silent_closed = false;
    for (int i = 0; i < 40 && !silent_closed; ++i) {
        client.read_text_until([](std::string_view) { return false; }, 100ms);
        silent_closed = silent.wait_closed(100ms);
    }
    CHECK(silent_closed);
    REQUIRE(client.send_text("say still here"));
    CHECK(expect_event(client, "say", [](const Json& e) { return e["message"] == "still here"; }, 3s));
    CHECK(server.wait_for_log("no answer to ping"));
}

TEST_CASE("Web over TCP: frames that break RFC 6455 close the connection with the right code") {
    ServerProcess server{web_server({}, "line_max_bytes = 64\n")};
    const auto port = server.listener_port("web");
    struct Case {
        const char* what;
        std::string bytes;
        std::uint16_t code;
    };
    const Case cases[] = {
        {"an unmasked frame", ws_client_frame(0x81, "say hi", false), 1002},
        {"a fragmented ping", ws_client_frame(0x09, "ping"), 1002},
        {"a reserved opcode", ws_client_frame(0x83, "x"), 1002},
        {"RSV1 without an extension", ws_client_frame(0xC1, "say hi"), 1002},
        {"a message over line_max_bytes", ws_client_frame(0x81, "say " + std::string(100, 'x')), 1009},
        {"text that is not UTF-8", ws_client_frame(0x81, "say \xC3\x28"), 1007},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        WsClient client = web_login(port, "breaker");
        REQUIRE(client.send_raw(c.bytes));
        const auto close = client.expect_close();
        REQUIRE(close);
        CHECK(close->close_code() == c.code);
        CHECK(client.wait_closed());
    }
    // The client's own close is echoed with its code.
    WsClient polite = web_login(port, "polite");
    REQUIRE(polite.send_raw(ws_client_frame(0x88, std::string{"\x0F\xA1", 2} + "done")));
    const auto echo = polite.expect_close();
    REQUIRE(echo);
    CHECK(echo->close_code() == 4001);
    CHECK(polite.wait_closed());
    CHECK(server.wait_for_log("websocket: message too long"));
}

TEST_CASE("Web over TCP: a page from another origin gets 403; the page's own host and listed origins get in") {
    {
        ServerProcess server{web_server()};
        const auto port = server.listener_port("web");
        WsClient foreign{port};
        CHECK(foreign.upgrade("Origin: http://evil.example\r\n") == 403);
        CHECK(foreign.wait_closed());
        WsClient own{port};
        CHECK(own.upgrade("Origin: http://127.0.0.1\r\n") == 101);  // Host: 127.0.0.1
        WsClient bot{port};
        CHECK(bot.upgrade() == 101);  // no Origin: not a browser
        WsClient old{port};
        CHECK(old.request("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n") == 426);
    }
    ServerProcess listed{web_server("allowed_origins = [\"https://talker.example\"]\n")};
    const auto port = listed.listener_port("web");
    WsClient allowed{port};
    CHECK(allowed.upgrade("Origin: https://talker.example\r\n") == 101);
    WsClient own{port};
    CHECK(own.upgrade("Origin: http://127.0.0.1\r\n") == 403);
}

TEST_CASE("Web over TCP: X-Forwarded-For is believed from trusted proxies only") {
    ServerOptions untrusted = web_server();
    untrusted.server_extra = "announce_addresses = true\n";
    {
        ServerProcess server{untrusted};
        TcpClient alice = login_client(server.port(), "alice");
        WsClient webby = web_login(server.listener_port("web"), "webby", "X-Forwarded-For: 203.0.113.9\r\n");
        CHECK(alice.read_until([](std::string_view l) { return l == "webby has entered the room. (from 127.0.0.1)"; }));
    }
    ServerOptions trusted = web_server("trusted_proxies = [\"127.0.0.0/8\"]\n");
    trusted.server_extra = "announce_addresses = true\n";
    ServerProcess server{trusted};
    TcpClient alice = login_client(server.port(), "alice");
    WsClient webby = web_login(server.listener_port("web"), "webby", "X-Forwarded-For: 203.0.113.9\r\n");
    CHECK(alice.read_until([](std::string_view l) { return l == "webby has entered the room. (from 203.0.113.9)"; }));
}

TEST_CASE("Web over TCP: a head that never ends is dropped; a full server answers 503") {
    ServerProcess server{web_server({}, "max_clients = 1\n")};
    const auto port = server.listener_port("web");
    WsClient slow{port};
    REQUIRE(slow.send_raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"));  // and nothing more
    // The one place is taken while the head is read: a second client is refused.
    WsClient second{port};
    CHECK(second.request("GET /healthz HTTP/1.1\r\n\r\n") == 503);
    CHECK(second.response_head().find("Retry-After:") != std::string::npos);
    CHECK(slow.wait_closed(13s));  // the head timeout is 10 s
    CHECK(http_get(port, "/healthz").first == 200);
}

TEST_CASE("Web over TCP: web clients are closed with 1001 when the server shuts down") {
    ServerProcess server{web_server()};
    WsClient webby = web_login(server.listener_port("web"), "webby");
    server.signal(SIGTERM);
    const auto close = webby.expect_close(5s);
    REQUIRE(close);
    CHECK(close->close_code() == 1001);
    CHECK(webby.wait_closed(5s));
    CHECK(server.wait_exit(5000ms) == 0);
}
