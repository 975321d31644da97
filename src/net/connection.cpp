#include "src/net/connection.hpp"

#include <netinet/in.h>
#include <sys/ioctl.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "src/net/server.hpp"
#include "src/wipe.hpp"

namespace natter::net {
namespace {

int init_and_accept(uv_loop_t* loop, uv_stream_t* listener, uv_tcp_t& handle) {
    if (const int status = uv_tcp_init(loop, &handle); status != 0) return status;
    return uv_accept(listener, reinterpret_cast<uv_stream_t*>(&handle));
}

std::string peer_address(const uv_tcp_t& handle, int accept_status) {
    if (accept_status != 0) return "?";
    sockaddr_storage address{};
    int length = sizeof address;
    if (uv_tcp_getpeername(&handle, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "?";
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET6) {
        uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(&address), text, sizeof text);
    } else {
        uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&address), text, sizeof text);
    }
    return text;
}

// Enough for the lines an ordinary loop iteration brings a client.
constexpr std::size_t retained_outbox_bytes = 2048;

}  // namespace

Connection::Connection(Server& server, uv_stream_t* listener, ListenerKind kind,
                       std::shared_ptr<const TlsContext> tls)
    : server_{server}, handle_{}, accept_status_{init_and_accept(server.loop(), listener, handle_)}, kind_{kind} {
    handle_.data = this;
    auto address = peer_address(handle_, accept_status_);
    if (tls) tls_ = std::make_unique<TlsStream>(std::move(tls), kind == ListenerKind::web, server.world().now());
    if (kind == ListenerKind::web) {
        // The session waits for the WebSocket: a request for the page is no chat.
        web_ = std::make_unique<WebEndpoint>(std::move(address), server.world().now());
    } else {
        session_.emplace(server.world(), std::move(address), kind);
        session_->link = this;
        // Known before the session starts: it offers no MCCP under TLS. Its
        // first words wait for the handshake.
        if (tls_) session_->set_encrypted();
    }
}

Connection::Connection(Server& server, const ConnectionSnapshot& saved, ListenerKind kind,
                       std::shared_ptr<const TlsContext> tls)
    : server_{server}, handle_{}, accept_status_{uv_tcp_init(server.loop(), &handle_)}, kind_{kind} {
    handle_.data = this;
    if (accept_status_ == 0) accept_status_ = uv_tcp_open(&handle_, saved.fd);
    // Only a connection that never started can be TLS here: its handshake
    // has not begun.
    if (tls && saved.fresh) tls_ = std::make_unique<TlsStream>(std::move(tls), kind == ListenerKind::web, server.world().now());
    std::string address = saved.session ? saved.session->address
                          : saved.web   ? saved.web->peer_address
                                        : peer_address(handle_, accept_status_);
    if (kind == ListenerKind::web) {
        web_ = saved.web ? WebEndpoint::restored(*saved.web)
                         : std::make_unique<WebEndpoint>(address, server.world().now());
    }
    if (saved.session || kind != ListenerKind::web) {
        session_.emplace(server.world(), std::move(address), kind);
        session_->link = this;
        if (tls_) session_->set_encrypted();
        if (saved.session) session_->restore(*saved.session);
    }
}

const std::string& Connection::address() const { return session_ ? session_->address() : web_->peer_address(); }

void Connection::start() {
    uv_tcp_nodelay(&handle_, 1);
    uv_tcp_keepalive(&handle_, 1, 300);  // finds peers that vanished without FIN or RST
    if (const int status = uv_read_start(stream(), &Connection::on_alloc, &Connection::on_read); status != 0) {
        if (session_) {
            session_->disconnect(uv_strerror(status));
        } else {
            close_now();
        }
        return;
    }
    spdlog::info("connect {}{}{}", address(), web_ ? " (web)" : "", tls_ ? " (tls)" : "");
    if (session_) session_->start();
}

void Connection::refuse(std::string_view reason, bool quiet) {
    if (!quiet) spdlog::info("connect {} refused: {}", address(), reason);
    if (tls_) {
        // The peer cannot read a line before the handshake: it goes at once.
        if (session_) session_->set_quiet();
        if (session_) {
            session_->disconnect("refused");
        } else {
            close_now();
        }
        return;
    }
    if (!session_) {
        web_->refuse(503, reason);
        server_.mark_pending(*this);
        return;
    }
    if (quiet) session_->set_quiet();
    session_->send(reason);
    session_->disconnect("refused");
}

void Connection::on_alloc(uv_handle_t* handle, std::size_t, uv_buf_t* buf) noexcept {
    auto& self = *static_cast<Connection*>(handle->data);
    // An empty buffer makes libuv report UV_ENOBUFS without reading: the
    // bytes stay in the kernel, and TCP holds the sender back.
    if (self.server_.input_paused() || self.read_iteration_ == self.server_.iteration() ||
        (self.tls_handshaking() && !self.server_.take_handshake_turn())) {
        *buf = uv_buf_init(nullptr, 0);
        return;
    }
    *buf = self.server_.read_buffer();
}

void Connection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) noexcept {
    auto& self = *static_cast<Connection*>(stream->data);
    if (nread > 0) {
        self.read_iteration_ = self.server_.iteration();
        const std::string_view bytes{buf->base, static_cast<std::size_t>(nread)};
        if (self.tls_) {
            auto& plain = self.server_.tls_plaintext();
            self.receive_tls(bytes, plain);
            // Only the plaintext can hold a password; it is wiped either way
            // when it did, and kept for the next read otherwise.
            if (self.session_ && self.session_->took_secret_input()) wipe(plain);
            plain.clear();
        } else {
            self.receive_plain(bytes);
            if (self.session_ && self.session_->took_secret_input()) {
                wipe(std::span<char>{buf->base, static_cast<std::size_t>(nread)});
            }
        }
    } else if (nread == UV_ENOBUFS) {
        uv_read_stop(stream);
        self.read_stopped_ = true;
        self.server_.read_later(self);
    } else if (nread < 0) {
        uv_read_stop(stream);
        if (self.session_) {
            self.session_->disconnect(nread == UV_EOF ? "peer closed" : uv_strerror(static_cast<int>(nread)));
        } else {
            self.close_now();  // an HTTP client that went before its answer
        }
    }
}

void Connection::receive_plain(std::string_view bytes) {
    if (web_) {
        web_->receive(bytes, server_.world().config(), *this);
        if (!session_) server_.mark_pending(*this);  // an HTTP answer to send
    } else {
        session_->receive(bytes);
    }
}

void Connection::receive_tls(std::string_view cipher, std::string& plain) {
    const bool was_established = tls_->established();
    const auto status = tls_->receive(cipher, plain);
    if (!was_established && tls_->established()) {
        spdlog::debug("tls {} {}", address(), tls_->description());
        // What the session said meanwhile (its greeting) can go now.
        if (session_ && !session_->closing()) want_flush();
    }
    if (!plain.empty() && !closing_started_ && !(session_ && session_->closing())) receive_plain(plain);
    if (status != TlsStream::Status::ok) {
        // One line in the log, with why; nothing more is read or sealed.
        uv_read_stop(stream());
        if (session_) {
            session_->disconnect(tls_->reason());
        } else {
            spdlog::info("disconnect {}: {}", address(), tls_->reason());
            if (web_) web_->output().clear();
        }
    }
    if (!tls_->wire().empty() || status != TlsStream::Status::ok) want_flush();
}

void Connection::want_flush() {
    if (session_) {
        server_.world().mark_pending(*session_);
    } else {
        server_.mark_pending(*this);
    }
}

void Connection::handshake_timed_out() {
    if (!tls_handshaking()) return;
    if (session_) {
        session_->set_quiet();
        session_->disconnect("TLS handshake timeout");
    } else {
        close_now();
    }
}

std::string* Connection::plain_output() {
    // A web connection's HTTP answer (the 101 of an upgrade) goes before
    // anything the session says.
    if (web_ && !web_->output().empty()) return &web_->output();
    return session_ ? &session_->output() : nullptr;
}

std::string& Connection::tls_output() {
    auto& wire = tls_->wire();
    // Sealing waits until the last records are gone: the session's output
    // limit then still counts what the client has not taken.
    if (!wire.empty() || !tls_->established()) return wire;
    const bool sealing = !tls_->failed() && !tls_->close_sent();
    // The HTTP answer, then the session's output, which with MCCP may come
    // as a few buffers in turn; each pass empties one.
    for (int pass = 0; pass < 4; ++pass) {
        auto* plain = plain_output();
        if (plain == nullptr || plain->empty()) break;
        // After a close or failure nothing more can reach the peer.
        if (sealing && !tls_->failed()) {
            tls_->send(*plain);
            if (tls_->failed() && session_) server_.world().defer_disconnect(*session_, tls_->reason());
        }
        plain->clear();
        if (plain->capacity() > retained_outbox_bytes) std::string{}.swap(*plain);
    }
    return wire;
}

std::string* Connection::output_buffer() {
    if (tls_) return &tls_output();
    return plain_output();
}

std::span<const char> Connection::sendable() {
    if (closing_started_ || write_) return {};
    auto* buffer = output_buffer();
    return buffer == nullptr ? std::span<const char>{} : std::span<const char>{*buffer};
}

int Connection::fd() const {
    uv_os_fd_t fd = -1;
    uv_fileno(reinterpret_cast<const uv_handle_t*>(&handle_), &fd);
    return fd;
}

void Connection::sent(int result) {
    auto* buffer = output_buffer();
    if (buffer == nullptr) return;
    auto& outbox = *buffer;
    if (result > 0) {
        outbox.erase(0, static_cast<std::size_t>(result));
        server_.world().metrics().bytes_out += static_cast<std::uint64_t>(result);
    }
    // A burst leaves a big buffer behind; with thousands of clients the
    // buffers kept for the next burst would outweigh everything else.
    if (outbox.empty() && outbox.capacity() > retained_outbox_bytes) std::string{}.swap(outbox);
}

void Connection::after_send(int result) {
    auto* buffer = output_buffer();
    if (buffer == nullptr) return;
    auto& outbox = *buffer;
    if (result < 0 && result != UV_EAGAIN) {
        outbox.clear();
        if (session_) {
            session_->disconnect(uv_strerror(result));
        } else {
            close_now();
            return;
        }
    }
    if (!outbox.empty() && !write_ && !closing_started_) {
        // The kernel is full: hand the rest to libuv in a request that owns
        // its bytes; what the session sends meanwhile waits in the outbox
        // for the next flush after on_write.
        write_ = std::make_unique<WriteRequest>();
        write_->request.data = this;
        write_->bytes.swap(outbox);
        const uv_buf_t buf = uv_buf_init(write_->bytes.data(), static_cast<unsigned>(write_->bytes.size()));
        if (const int status = uv_write(&write_->request, stream(), &buf, 1, &Connection::on_write); status != 0) {
            write_.reset();
            if (session_) {
                session_->disconnect(uv_strerror(status));
            } else {
                close_now();
            }
        } else if (session_) {
            session_->set_bytes_in_flight(write_->bytes.size());
            // libuv may have written some at once; the pacer watches the rest.
            server_.world().pacer().on_backlog(session_->id(), result > 0, server_.world().now());
        }
    }
}

void Connection::close_if_done() {
    if (closing_started_) return;
    const bool web_output = web_ && !web_->output().empty();
    if (!session_) {
        // An HTTP answer, sent: the connection is done.
        if (tls_ && (tls_->failed() || tls_->close_sent())) {
            if (!tls_->wire().empty() || write_) return;
            if (tls_->failed()) {
                close_now();
            } else {
                begin_close();
            }
            return;
        }
        if (web_->finished() && !web_output && !write_) finish_close();
        return;
    }
    if (!session_->closing()) return;
    // A WebSocket ends with a close frame, after the session's last words.
    if (web_ && !session_->abandoned()) {
        web_->close_from_server(server_.world().shutting_down() ? ws_close::going_away : ws_close::normal,
                                session_->close_reason(), *this);
    }
    if (session_->abandoned()) {
        begin_close();
        return;
    }
    if (tls_) {
        // Seal the last words; a handshake that never finished gets nothing.
        static_cast<void>(tls_output());
        if (!tls_->established()) {
            // Only an alert can be waiting, for a client that failed.
            if (tls_->wire().empty() && !write_) close_now();
            return;
        }
    }
    if (session_->pending_output() == 0 && !web_output && !write_) finish_close();
}

void Connection::finish_close() {
    // Over TLS, close_notify goes out before the FIN.
    if (tls_ && tls_->established()) {
        if (!tls_->close_sent()) tls_->close();
        if (!tls_->wire().empty()) {
            want_flush();
            return;
        }
    }
    begin_close();
}

void Connection::sent_early(int result) {
    sent(result);
    if (result < 0 && result != UV_EAGAIN && session_) {
        session_->output().clear();
        server_.world().defer_disconnect(*session_, uv_strerror(result));
    }
}

void Connection::on_write(uv_write_t* request, int status) noexcept {
    auto& self = *static_cast<Connection*>(request->data);
    if (status == 0) self.server_.world().metrics().bytes_out += self.write_->bytes.size();
    self.write_.reset();
    if (!self.session_) {
        if (status < 0) self.close_now();
        if (!self.closing_started_) self.server_.mark_pending(self);
        return;
    }
    self.session_->set_bytes_in_flight(0);
    if (status == 0) self.server_.world().pacer().on_progress(self.session_->id(), self.server_.world().now());
    if (status < 0 && status != UV_ECANCELED) self.session_->disconnect(uv_strerror(status));
    if (!self.closing_started_) self.server_.world().mark_pending(*self.session_);
}

void Connection::begin_close() {
    if (closing_started_) return;
    if (session_ && session_->abandoned()) {
        close_now();
        return;
    }
    closing_started_ = true;
    // FIN after the last byte, so the peer reads everything before EOF.
    auto* request = new uv_shutdown_t{};
    request->data = this;
    if (uv_shutdown(request, stream(), &Connection::on_shutdown) != 0) {
        delete request;
        closing_started_ = false;
        close_now();
    }
}

void Connection::on_shutdown(uv_shutdown_t* request, int) noexcept {
    auto& self = *static_cast<Connection*>(request->data);
    delete request;
    self.close_now();
}

void Connection::abort() {
    if (session_) {
        session_->output().clear();
        session_->outbox().clear();
        if (!session_->closing()) session_->disconnect("server shutdown");
    }
    close_now();
}

bool Connection::drained() {
    if (write_) return false;
    if (web_ && !web_->output().empty()) return false;
    if (tls_ && !tls_->wire().empty()) return false;
    return !session_ || session_->pending_output() == 0;
}

ConnectionSnapshot Connection::snapshot(std::uint32_t listener) {
    ConnectionSnapshot saved{.fd = fd(), .listener = listener, .fresh = false, .web = {}, .session = {}};
    std::string unsent;
    if (write_) {
        // libuv wrote the front of the request; the rest goes first.
        const auto left = std::min(uv_stream_get_write_queue_size(stream()), write_->bytes.size());
        unsent.assign(write_->bytes, write_->bytes.size() - left, left);
    }
    if (web_) {
        unsent += web_->output();
        saved.web = web_->snapshot();
    }
    if (session_) {
        saved.session = session_->snapshot();
        saved.session->outbox.insert(0, unsent);
    }
    return saved;
}

void Connection::resume_after_restart() {
    if (session_) {
        session_->resume_after_restart();
        if (session_->pending_output() > 0) want_flush();
    }
    read_stopped_ = true;  // resume_reading() starts it
    resume_reading();
}

void Connection::resume_reading() {
    if (!read_stopped_) return;
    read_stopped_ = false;
    if (closing_started_ || (session_ && session_->closing())) return;
    if (const int status = uv_read_start(stream(), &Connection::on_alloc, &Connection::on_read); status != 0) {
        if (session_) {
            session_->disconnect(uv_strerror(status));
        } else {
            close_now();
        }
    }
}

OutputPacer::Sample Connection::pacing_sample() {
    if (!session_) return {.gone = true};
    const std::size_t queued = write_ ? uv_stream_get_write_queue_size(stream()) : 0;
    // The limit counts what libuv still holds, not what the write started with.
    session_->set_bytes_in_flight(queued);
    int unacknowledged = 0;
    if (::ioctl(fd(), TIOCOUTQ, &unacknowledged) != 0) unacknowledged = 0;
    return {.pending = session_->pending_output() + (tls_ ? tls_->wire().size() : 0),
            .in_loop_queue = queued,
            .unacknowledged = static_cast<std::size_t>(std::max(unacknowledged, 0))};
}

void Connection::web_tick(std::chrono::steady_clock::time_point now) {
    if (!web_ || closing_started_) return;
    if (web_->tick(now, server_.world().config(), *this)) return;
    if (session_) {
        session_->disconnect(web_->upgraded() ? "no answer to ping" : "request head timeout");
    } else {
        close_now();  // a request head that never came whole
    }
}

void Connection::on_web_upgrade(std::string_view address, bool proxy_tls) {
    session_.emplace(server_.world(), std::string{address}, ListenerKind::web);
    session_->link = this;
    if (tls_ || proxy_tls) session_->set_encrypted();
    // A trusted proxy named the client: it is the client the limits count.
    if (address != web_->peer_address()) server_.move_address(web_->peer_address(), session_->address());
    spdlog::info("websocket {}{}", session_->address(),
                 address != web_->peer_address() ? " via " + web_->peer_address() : std::string{});
    if (const char* refusal = server_.refusal_after_upgrade(session_->address())) {
        session_->send(refusal);
        session_->disconnect("refused");
        return;
    }
    session_->start();
}

void Connection::on_web_message(std::string_view text) {
    if (session_) session_->receive_text(text);
}

void Connection::web_send(std::string_view bytes) {
    if (session_) {
        session_->send_raw(bytes);
    } else {
        web_->output().append(bytes);
        server_.mark_pending(*this);
    }
}

void Connection::on_web_closed(std::string_view reason) {
    if (session_) session_->disconnect(reason);
}

std::string Connection::web_metrics() { return server_.metrics_text(); }

void Connection::close_now() {
    if (closed_) return;
    closed_ = true;
    closing_started_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&handle_), &Connection::on_close);
    server_.release(*this);  // the socket is closed now; the callback comes later
}

void Connection::on_close(uv_handle_t* handle) noexcept {
    auto* self = static_cast<Connection*>(handle->data);
    self->server_.forget(*self);
    delete self;
}

}  // namespace natter::net
