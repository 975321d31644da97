#include "src/web_endpoint.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "src/address_range.hpp"
#include "src/clock_ticks.hpp"
#include "src/restart_state.hpp"
#include "src/text.hpp"
#include "src/web_assets.hpp"

namespace natter {
namespace {

constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// What every answer carries: nothing cached that should not be, nothing
// sniffed, nothing framed or fetched from elsewhere.
constexpr std::string_view common_headers =
    "Server: natter\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Cache-Control: no-cache\r\n";
constexpr std::string_view page_policy =
    "Content-Security-Policy: default-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'\r\n";

std::string_view reason_phrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 414:
        return "URI Too Long";
    case 426:
        return "Upgrade Required";
    case 503:
        return "Service Unavailable";
    case 431:
        return "Request Header Fields Too Large";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

// A 16-byte nonce, base64: 24 characters ending "==" (RFC 6455 §4.1).
bool is_websocket_key(std::string_view key) {
    if (key.size() != 24 || !key.ends_with("==")) return false;
    for (const char c : key.substr(0, 22)) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                        c == '/';
        if (!ok) return false;
    }
    return true;
}

std::string_view trim_spaces(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// A Forwarded "for=" value (RFC 7239): maybe quoted, IPv6 in brackets, maybe
// with a port. nullopt if it is not a numeric address (an obfuscated one).
std::optional<std::string> forwarded_address(std::string_view value) {
    value = trim_spaces(value);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (value.starts_with('[')) {
        const auto end = value.find(']');
        if (end == std::string_view::npos) return std::nullopt;
        value = value.substr(1, end - 1);
    } else if (value.find(':') != value.rfind(':')) {
        // More than one colon: a bare IPv6 address.
    } else if (const auto colon = value.find(':'); colon != std::string_view::npos) {
        value = value.substr(0, colon);  // IPv4 with a port
    }
    if (!is_numeric_address(value)) return std::nullopt;
    return std::string{value};
}

}  // namespace

std::string websocket_accept(std::string_view key) {
    std::string input{key};
    input.append(websocket_guid);
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
    unsigned char encoded[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
    const int length = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
    return {reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(length)};
}

bool web_origin_allowed(const HttpRequest& request, const Config& config) {
    const auto origin = request.field("origin");
    if (!origin) return true;
    const auto wanted = ascii_lower(*origin);
    const auto& allowed = config.web.allowed_origins;
    if (!allowed.empty()) return std::find(allowed.begin(), allowed.end(), wanted) != allowed.end();
    const auto host = request.field("host");
    if (!host) return false;
    const auto scheme = std::string_view{wanted}.find("://");
    return scheme != std::string_view::npos && std::string_view{wanted}.substr(scheme + 3) == ascii_lower(*host);
}

std::string web_client_address(const HttpRequest& request, std::string_view peer, const Config& config) {
    const auto& proxies = config.web.trusted_proxies;
    if (!any_contains(proxies, peer)) return std::string{peer};
    // X-Forwarded-For: client, proxy1, proxy2 — the rightmost address that is
    // not a trusted proxy is the client.
    const auto chain = request.field_list("x-forwarded-for");
    if (!chain.empty()) {
        std::string_view rest{chain};
        while (!rest.empty()) {
            const auto comma = rest.rfind(',');
            const auto entry = trim_spaces(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
            const auto address = forwarded_address(entry);
            if (!address) return std::string{peer};  // garbage in the chain: believe nothing
            if (!any_contains(proxies, *address)) return *address;
        }
        return std::string{peer};
    }
    // Forwarded: for=…;proto=…, for=… — the same, element by element.
    const auto forwarded = request.field_list("forwarded");
    std::string_view rest{forwarded};
    std::string client{peer};
    while (!rest.empty()) {
        const auto comma = rest.rfind(',');
        auto element = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
        while (!element.empty()) {
            const auto semicolon = element.find(';');
            const auto pair = trim_spaces(element.substr(0, semicolon));
            element = semicolon == std::string_view::npos ? std::string_view{} : element.substr(semicolon + 1);
            if (ascii_lower(pair.substr(0, 4)) != "for=") continue;
            const auto address = forwarded_address(pair.substr(4));
            if (!address) return std::string{peer};
            if (!any_contains(proxies, *address)) return *address;
        }
    }
    return client;
}

bool web_proxy_says_tls(const HttpRequest& request, std::string_view peer, const Config& config) {
    if (!any_contains(config.web.trusted_proxies, peer)) return false;
    // The proxy nearest us speaks last: the rightmost value is its own.
    const auto rightmost = [](std::string_view list) {
        const auto comma = list.rfind(',');
        return trim_spaces(comma == std::string_view::npos ? list : list.substr(comma + 1));
    };
    if (const auto proto = request.field_list("x-forwarded-proto"); !proto.empty()) {
        return ascii_lower(rightmost(proto)) == "https";
    }
    const auto forwarded = request.field_list("forwarded");
    auto element = rightmost(forwarded);
    while (!element.empty()) {
        const auto semicolon = element.find(';');
        const auto pair = trim_spaces(element.substr(0, semicolon));
        element = semicolon == std::string_view::npos ? std::string_view{} : element.substr(semicolon + 1);
        if (ascii_lower(pair) == "proto=https") return true;
    }
    return false;
}

bool web_metrics_allowed(const HttpRequest& request, std::string_view peer, const Config& config) {
    return any_contains(config.metrics.allowed, web_client_address(request, peer, config));
}

WebEndpoint::WebEndpoint(std::string peer_address, Clock::time_point now)
    : peer_address_{std::move(peer_address)}, opened_{now} {}

void WebEndpoint::receive(std::string_view bytes, const Config& config, WebHost& host) {
    if (finished_) return;
    if (upgraded_) {
        host_ = &host;
        framer_.set_max_message(config.limits.line_max_bytes);
        framer_.receive(bytes, *this);
        host_ = nullptr;
        return;
    }
    auto& parser = *parser_;
    const auto used = parser.feed(bytes);
    switch (parser.state()) {
    case HttpRequestParser::State::reading:
        return;
    case HttpRequestParser::State::failed:
        respond(parser.error_status(), "text/plain; charset=utf-8",
                fmt::format("{} {}\n", parser.error_status(), reason_phrase(parser.error_status())), false);
        break;
    case HttpRequestParser::State::done:
        answer(parser.request(), config, host, bytes.substr(used));
        break;
    }
    // The head and its fields, about 900 bytes an idle WebSocket would carry
    // for nothing (2.8 KiB per connection before, 1.9 KiB after).
    if (upgraded_ || finished_) parser_.reset();
}

void WebEndpoint::respond(int status, std::string_view content_type, std::string_view body, bool head_only,
                          std::string_view extra_headers) {
    output_ += fmt::format("HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
    output_ += common_headers;
    output_ += extra_headers;
    output_ += fmt::format("Content-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", content_type,
                           body.size());
    if (!head_only) output_ += body;
    // One request per connection: the page is small and fetched once.
    finished_ = true;
}

void WebEndpoint::answer(const HttpRequest& request, const Config& config, WebHost& host, std::string_view rest) {
    const bool head = request.method == "HEAD";
    if (request.method != "GET" && !head) {
        respond(405, "text/plain; charset=utf-8", "405 Method Not Allowed\n", false, "Allow: GET, HEAD\r\n");
        return;
    }
    const auto path = request.path();
    if (path == "/healthz") {
        respond(200, "text/plain; charset=utf-8", "ok\n", head);
        return;
    }
    if (path == "/metrics") {
        if (!web_metrics_allowed(request, peer_address_, config)) {
            spdlog::info("web {}: /metrics refused to {}", peer_address_,
                         web_client_address(request, peer_address_, config));
            respond(403, "text/plain; charset=utf-8", "403 Forbidden: metrics are not served to this address\n",
                    head);
            return;
        }
        respond(200, metrics_content_type, host.web_metrics(), head);
        return;
    }
    if (path != "/ws") {
        if (const auto* asset = find_web_asset(path)) {
            respond(200, asset->content_type, asset->body, head, page_policy);
        } else {
            respond(404, "text/plain; charset=utf-8", "404 Not Found\n", head);
        }
        return;
    }
    // The WebSocket handshake (RFC 6455 §4.2).
    const auto key = request.field("sec-websocket-key");
    if (head || !request.field_has_token("upgrade", "websocket") || !request.field_has_token("connection", "upgrade") ||
        !key || !is_websocket_key(*key)) {
        respond(400, "text/plain; charset=utf-8", "400 Bad Request: this is natter's WebSocket endpoint\n", head);
        return;
    }
    if (request.field("sec-websocket-version").value_or("") != "13") {
        respond(426, "text/plain; charset=utf-8", "426 Upgrade Required\n", false, "Sec-WebSocket-Version: 13\r\n");
        return;
    }
    if (!web_origin_allowed(request, config)) {
        spdlog::info("web {}: WebSocket refused to the page of origin {}", peer_address_,
                     sanitize(request.field("origin").value_or("")));
        respond(403, "text/plain; charset=utf-8", "403 Forbidden: this origin may not open natter's WebSocket\n",
                false);
        return;
    }
    // The schema's name as a subprotocol, for clients that ask for it; no
    // extension (permessage-deflate and the rest) is ever agreed.
    std::string protocol;
    if (request.field_has_token("sec-websocket-protocol", "natter.v1")) protocol = "Sec-WebSocket-Protocol: natter.v1\r\n";
    output_ += fmt::format(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
        "{}\r\n{}\r\n",
        websocket_accept(*key), protocol);
    upgraded_ = true;
    host.on_web_upgrade(web_client_address(request, peer_address_, config), web_proxy_says_tls(request, peer_address_, config));
    if (!rest.empty()) receive(rest, config, host);
}

void WebEndpoint::on_ws_message(std::string_view text) { host_->on_web_message(text); }

void WebEndpoint::on_ws_ping(std::string_view payload) {
    std::string pong;
    WebSocketFramer::append_frame(pong, WebSocketFramer::Opcode::pong, payload);
    host_->web_send(pong);
}

void WebEndpoint::on_ws_pong(std::string_view) { awaiting_pong_ = false; }

void WebEndpoint::on_ws_close(std::uint16_t code, std::string_view reason, bool violation) {
    if (!close_sent_) {
        // Answer a close with the same code; a violation with its own.
        std::string frame;
        WebSocketFramer::append_close(frame, code == 1005 ? ws_close::normal : code, violation ? reason : "");
        host_->web_send(frame);
        close_sent_ = true;
    }
    finished_ = true;
    host_->on_web_closed(violation ? std::string{"websocket: "} + std::string{reason} : std::string{"peer closed"});
}

void WebEndpoint::refuse(int status, std::string_view why) {
    if (finished_ || upgraded_) return;
    respond(status, "text/plain; charset=utf-8", std::string{why} + "\n", false, "Retry-After: 60\r\n");
}

void WebEndpoint::close_from_server(std::uint16_t code, std::string_view reason, WebHost& host) {
    if (!upgraded_ || close_sent_) return;
    std::string frame;
    WebSocketFramer::append_close(frame, code, reason);
    host.web_send(frame);
    close_sent_ = true;
    finished_ = true;
}

bool WebEndpoint::tick(Clock::time_point now, const Config& config, WebHost& host) {
    if (!upgraded_) return finished_ || now - opened_ < head_timeout;
    if (finished_ || config.web.ping_s == 0) return true;
    const std::chrono::seconds interval{config.web.ping_s};
    if (last_ping_ == Clock::time_point{}) last_ping_ = opened_;
    if (now - last_ping_ < interval) return true;
    if (awaiting_pong_) return false;  // a whole interval without an answer
    std::string ping;
    WebSocketFramer::append_frame(ping, WebSocketFramer::Opcode::ping, "natter");
    host.web_send(ping);
    awaiting_pong_ = true;
    last_ping_ = now;
    return true;
}


WebSnapshot WebEndpoint::snapshot() const {
    return {.peer_address = peer_address_,
            .opened_ns = steady_ns(opened_),
            .last_ping_ns = steady_ns(last_ping_),
            .awaiting_pong = awaiting_pong_,
            .framer = framer_.snapshot()};
}

std::unique_ptr<WebEndpoint> WebEndpoint::restored(const WebSnapshot& snapshot) {
    auto endpoint = std::make_unique<WebEndpoint>(snapshot.peer_address, steady_at(snapshot.opened_ns));
    endpoint->parser_.reset();
    endpoint->upgraded_ = true;
    endpoint->last_ping_ = steady_at(snapshot.last_ping_ns);
    endpoint->awaiting_pong_ = snapshot.awaiting_pong;
    endpoint->framer_.restore(snapshot.framer);
    return endpoint;
}

}  // namespace natter
