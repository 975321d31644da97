// One TCP connection: the uv_tcp_t, the codec its listener's kind puts on
// the bytes (the Session's telnet, or a WebEndpoint's HTTP and WebSocket),
// the Session it carries (on a web listener, once /ws is upgraded), and the
// write in flight; on a TLS listener, the TlsStream between the socket and
// the codec. Created by the Server on accept; deleted only in its close
// callback, so no callback ever sees a dead connection.
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "src/output_pacer.hpp"
#include "src/restart_state.hpp"
#include "src/session.hpp"
#include "src/tls_stream.hpp"
#include "src/web_endpoint.hpp"

namespace natter::net {

class Server;

class Connection final : private WebHost {
public:
    // Accepts the pending connection on `listener`; check accepted(). With
    // `tls`, the connection speaks TLS made from that context.
    Connection(Server& server, uv_stream_t* listener, ListenerKind kind, std::shared_ptr<const TlsContext> tls);
    // A connection inherited across a hot restart: its descriptor and what
    // it carried. Reading starts with start() (a fresh one, greeted) or
    // resume_after_restart().
    Connection(Server& server, const ConnectionSnapshot& saved, ListenerKind kind,
               std::shared_ptr<const TlsContext> tls);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    [[nodiscard]] bool accepted() const { return accept_status_ == 0; }
    // Which of the server's listeners it came in on (kept for a hot restart).
    [[nodiscard]] std::uint8_t listener() const { return listener_; }
    void set_listener(std::uint8_t index) { listener_ = index; }
    // The session: always on telnet and mud listeners, on a web one once
    // the WebSocket is open.
    [[nodiscard]] bool has_session() const { return session_.has_value(); }
    [[nodiscard]] Session& session() { return *session_; }
    [[nodiscard]] Server& server() { return server_; }
    // The address limits and bans count this connection under.
    [[nodiscard]] const std::string& address() const;
    [[nodiscard]] ListenerKind kind() const { return kind_; }
    [[nodiscard]] bool is_web() const { return web_ != nullptr; }
    [[nodiscard]] bool is_tls() const { return tls_ != nullptr; }
    [[nodiscard]] TlsStream::Clock::time_point tls_opened() const { return tls_->opened(); }
    // A TLS connection whose handshake has not finished.
    [[nodiscard]] bool tls_handshaking() const { return tls_ && !tls_->established() && !closing_started_; }
    // Its handshake took too long: it goes, with no word (it would be
    // plaintext to a TLS client, or unreadable to one that is not).
    void handshake_timed_out();
    // About once a second, for a web connection: WebSocket pings, and the
    // end of one that stopped answering or never finished its request.
    void web_tick(std::chrono::steady_clock::time_point now);

    // Starts reading and greets the peer.
    void start();

    // Sends `reason` as the only line and closes (server full and the like);
    // `quiet` leaves it out of the log.
    void refuse(std::string_view reason, bool quiet);

    // The once-per-iteration flush, in steps, so the server can hand many
    // connections' output to the kernel at once (in one system call per
    // I/O thread): sendable() is what may be sent now (empty: nothing, or a
    // write still in flight), called on the loop thread, whose bytes stay
    // put until the server has sent them from fd(); sent() takes what the
    // kernel accepted (a byte count or a negative errno) off the outbox and
    // runs no session code, so every connection's outbox is right again
    // before after_send() may disconnect anyone (whose leave notice lands in
    // other outboxes) and hands what the kernel did not take to uv_write;
    // then close_if_done() closes a closing session with nothing left.
    [[nodiscard]] std::span<const char> sendable();
    [[nodiscard]] int fd() const;
    void sent(int result);
    void after_send(int result);
    void close_if_done();

    // A send made mid-iteration (the server's early flush): takes what the
    // kernel accepted off the outbox; never starts a uv_write, never closes,
    // and an error only defers the disconnect, so it is safe in the middle
    // of a broadcast.
    void sent_early(int result);

    // Closes at once, dropping unsent output (used when shutdown drags on).
    void abort();

    // --- hot restart
    // Whether nothing is left to send: no output, no write in flight.
    [[nodiscard]] bool drained();
    // What crosses the restart: the session (with what is still unsent,
    // including the rest of a write in flight) and an upgraded web
    // endpoint. Only for a connection without TLS.
    [[nodiscard]] ConnectionSnapshot snapshot(std::uint32_t listener);
    // Restored and announced: starts reading.
    void resume_after_restart();

    // Input pacing: reading stops when the server pauses input or when this
    // connection has had its read this loop iteration (one read each, so a
    // heavy sender cannot starve the rest); resume_reading() starts again.
    void resume_reading();
    [[nodiscard]] bool read_stopped() const { return read_stopped_; }
    // What the pacer needs to know of this connection's output now.
    [[nodiscard]] OutputPacer::Sample pacing_sample();

private:
    struct WriteRequest {
        uv_write_t request;
        std::string bytes;  // owned until on_write
    };

    static void on_alloc(uv_handle_t* handle, std::size_t suggested, uv_buf_t* buf) noexcept;
    static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) noexcept;
    static void on_write(uv_write_t* request, int status) noexcept;
    static void on_shutdown(uv_shutdown_t* request, int status) noexcept;
    static void on_close(uv_handle_t* handle) noexcept;

    void begin_close();
    // Everything is sent: close_notify first where there is TLS, then FIN.
    void finish_close();
    void close_now();
    // The buffer sendable() hands out and sent() takes from, or nullptr:
    // the TLS records, or else plain_output().
    [[nodiscard]] std::string* output_buffer();
    // The codec's bytes to send: the HTTP answer first, then the session's.
    [[nodiscard]] std::string* plain_output();
    // With TLS: seals what the codec has to send, when the records before
    // it are gone, and returns the records.
    [[nodiscard]] std::string& tls_output();
    // Bytes for the codec (decrypted, if TLS).
    void receive_plain(std::string_view bytes);
    // Ciphertext from the peer: decrypted into `plain` and handed on.
    void receive_tls(std::string_view cipher, std::string& plain);
    // Asks for a flush of this connection at the end of the iteration.
    void want_flush();
    void on_web_upgrade(std::string_view address, bool proxy_tls) override;
    void on_web_message(std::string_view text) override;
    void web_send(std::string_view bytes) override;
    void on_web_closed(std::string_view reason) override;
    std::string web_metrics() override;
    uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&handle_); }

    Server& server_;
    uv_tcp_t handle_;
    int accept_status_;
    // Beside the int, so they cost no padding per connection.
    bool closing_started_ : 1 = false;
    bool closed_ : 1 = false;
    bool read_stopped_ : 1 = false;  // waiting in the server's list to read again
    std::uint8_t listener_ = 0;      // the server's index of the listener it came in on
    ListenerKind kind_;  // of its listener; a byte, in the padding before read_iteration_
    std::uint16_t read_iteration_ = 0;  // the loop iteration of its last read
    std::optional<Session> session_;
    std::unique_ptr<WebEndpoint> web_;     // a web listener's codec
    std::unique_ptr<TlsStream> tls_;       // a TLS listener's, under the codec
    std::unique_ptr<WriteRequest> write_;  // at most one write in flight
};

}  // namespace natter::net
