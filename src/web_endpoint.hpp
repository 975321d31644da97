// One connection to a web listener as the core sees it (SPEC §9): the HTTP
// request head, natter's answer to it — the chat page and its files,
// /healthz, /metrics (403 unless [metrics] allowed), 404, 405, 403 for a foreign Origin, 426 for an unknown
// WebSocket version — and, once /ws is upgraded, the WebSocket in both
// directions: each message from the client is one command line for the
// Session, which the network layer makes when the upgrade happens. Bytes in,
// bytes out; no sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "src/config.hpp"
#include "src/http_request.hpp"
#include "src/websocket_framer.hpp"

namespace natter {

struct WebSnapshot;

class WebHost {
public:
    // /ws was upgraded, for a client at `address` (the peer, or the client a
    // trusted proxy named): make its session now.
    // `proxy_tls`: a trusted proxy says it took the client's TLS
    // (X-Forwarded-Proto: https).
    virtual void on_web_upgrade(std::string_view address, bool proxy_tls) = 0;
    // A message from the client: one command line for its session.
    virtual void on_web_message(std::string_view text) = 0;
    // Frames for the client once upgraded, in order with the session's own.
    virtual void web_send(std::string_view bytes) = 0;
    // The client closed the WebSocket or broke its rules: end the session.
    virtual void on_web_closed(std::string_view reason) = 0;
    // GET /metrics from an allowed client: the Prometheus text, made now.
    [[nodiscard]] virtual std::string web_metrics() = 0;

protected:
    ~WebHost() = default;
};

class WebEndpoint final : private WebSocketListener {
public:
    using Clock = std::chrono::steady_clock;

    WebEndpoint(std::string peer_address, Clock::time_point now);

    void receive(std::string_view bytes, const Config& config, WebHost& host);

    // The HTTP answer, before any upgrade; the network layer sends it first.
    [[nodiscard]] std::string& output() { return output_; }
    [[nodiscard]] bool upgraded() const { return upgraded_; }
    // The connection is to close once its output has gone: an HTTP answer
    // was made, or the close handshake is done.
    [[nodiscard]] bool finished() const { return finished_; }
    [[nodiscard]] const std::string& peer_address() const { return peer_address_; }

    // An upgraded endpoint's state, for a hot restart, and the endpoint
    // rebuilt from it (upgraded, its request long answered).
    [[nodiscard]] WebSnapshot snapshot() const;
    [[nodiscard]] static std::unique_ptr<WebEndpoint> restored(const WebSnapshot& snapshot);

    // Turns the request away before it is read (the server is full): an
    // HTTP answer with `status` and `why`.
    void refuse(int status, std::string_view why);

    // The session ended on natter's side: the close frame, once (1000, or
    // 1001 when the server shuts down).
    void close_from_server(std::uint16_t code, std::string_view reason, WebHost& host);

    // About once a second: a ping every [web] ping_s; false when the last
    // ping went unanswered for as long, or a request head is still not
    // whole after head_timeout (the caller then drops the connection).
    [[nodiscard]] bool tick(Clock::time_point now, const Config& config, WebHost& host);
    static constexpr std::chrono::seconds head_timeout{10};

private:
    void answer(const HttpRequest& request, const Config& config, WebHost& host, std::string_view rest);
    void respond(int status, std::string_view content_type, std::string_view body, bool head_only,
                 std::string_view extra_headers = {});
    void on_ws_message(std::string_view text) override;
    void on_ws_ping(std::string_view payload) override;
    void on_ws_pong(std::string_view payload) override;
    void on_ws_close(std::uint16_t code, std::string_view reason, bool violation) override;

    std::string peer_address_;
    // Only until the request is answered: an open WebSocket keeps no head.
    std::unique_ptr<HttpRequestParser> parser_ = std::make_unique<HttpRequestParser>();
    WebSocketFramer framer_{2048};
    std::string output_;
    WebHost* host_ = nullptr;  // while receive() runs, for the framer's callbacks
    Clock::time_point opened_;
    Clock::time_point last_ping_{};
    bool awaiting_pong_ = false;
    bool upgraded_ = false;
    bool finished_ = false;
    bool close_sent_ = false;
};

// The origin check for /ws (SPEC §9): no Origin (a bot) is let in; one is
// let in if listed in [web] allowed_origins, or, when that is empty, if it
// names the host the request was made to (the page's own origin).
[[nodiscard]] bool web_origin_allowed(const HttpRequest& request, const Config& config);

// The client's address: the peer's, unless the peer is a trusted proxy and
// says whom it forwards (X-Forwarded-For, else Forwarded: for=).
[[nodiscard]] std::string web_client_address(const HttpRequest& request, std::string_view peer, const Config& config);
// Whether a trusted proxy at `peer` says the client reached it over TLS
// (X-Forwarded-Proto: https, or Forwarded: proto=https).
[[nodiscard]] bool web_proxy_says_tls(const HttpRequest& request, std::string_view peer, const Config& config);

// Whether /metrics may be read by this request: its client address (the
// peer's, or the one a trusted proxy forwards, as web_client_address) is in
// [metrics] allowed. The forwarded address, not the proxy's, so a public
// proxy in front of natter does not open the metrics to everyone.
[[nodiscard]] bool web_metrics_allowed(const HttpRequest& request, std::string_view peer, const Config& config);

// The Content-Type of /metrics: Prometheus text exposition format 0.0.4.
inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

// Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2).
[[nodiscard]] std::string websocket_accept(std::string_view key);

}  // namespace natter
