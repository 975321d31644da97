// bench/client_pool.cpp — epoll mechanics and login handshakes of ClientPool.
#include "bench/client_pool.hpp"

#include "bench/clock.hpp"
#include "bench/colour_strip.hpp"
#include "bench/json_text.hpp"
#include "bench/node_list.hpp"
#include "bench/ws_frame_writer.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace natter::bench {
namespace {

// One read() per wake-up of a client is normally enough; a few more keep a
// busy client from being starved, the bound keeps one from starving others.
constexpr int max_reads_per_wake = 4;
constexpr std::size_t read_buffer_bytes = std::size_t{256} << 10;
// No protocol here has lines anywhere near this; a longer one is a bug.
constexpr std::size_t max_line_bytes = std::size_t{64} << 10;

std::string errno_text(std::string_view what, int err) {
    return std::string{what} + ": " + std::strerror(err);
}

}  // namespace

ClientPool::ClientPool(const Dialect& dialect, const PoolConfig& config, PoolEvents& events,
                       std::uint32_t capacity)
    : dialect_{dialect}, config_{config}, events_{events}, conns_(capacity),
      read_buf_(read_buffer_bytes) {
    if (config_.tls) {
        tls_context_.emplace();
    }
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) {
        throw std::runtime_error{errno_text("epoll_create1", errno)};
    }
    pending_.reserve(capacity);
}

ClientPool::~ClientPool() {
    close_all();
    if (epoll_fd_ >= 0) {
        ::close(epoll_fd_);
    }
}

bool ClientPool::open(std::uint32_t id, std::string name, std::int64_t now) {
    Connection& c = conns_.at(id);
    c.name = std::move(name);
    c.opened_ns = now;
    c.kind = dialect_.is_irc() ? ClientKind::plain : kind_of(config_.mix, id);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        c.phase = Phase::closed;
        events_.on_lost(id, errno_text("socket", errno), now);
        return false;
    }
    const int one = 1;
    // Chat lines are small and latency is what is measured: no Nagle delay.
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Each read reports when its last segment reached the socket.
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    if (config_.first_source != 0) {
        // Defer the port choice to connect(), which only needs the 4-tuple to
        // be unique; bind() alone would reserve a port per source address.
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        sockaddr_in src{};
        src.sin_family = AF_INET;
        src.sin_addr.s_addr = htonl(config_.first_source + id / config_.per_source);
        if (::bind(fd, reinterpret_cast<const sockaddr*>(&src), sizeof src) != 0) {
            const int err = errno;
            ::close(fd);
            c.phase = Phase::closed;
            events_.on_lost(id, errno_text("bind", err), now);
            return false;
        }
    }
    const sockaddr_in& server =
        config_.servers.empty() ? config_.server : config_.servers[node_of_client(id, config_.servers.size())];
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0 &&
        errno != EINPROGRESS) {
        const int err = errno;
        ::close(fd);
        c.phase = Phase::closed;
        events_.on_lost(id, errno_text("connect", err), now);
        return false;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u32 = id;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        const int err = errno;
        ::close(fd);
        c.phase = Phase::closed;
        events_.on_lost(id, errno_text("epoll_ctl", err), now);
        return false;
    }
    c.fd = fd;
    c.phase = Phase::connecting;
    c.out_armed = true;
    ++live_;
    return true;
}

void ClientPool::mark_pending(std::uint32_t id) {
    Connection& c = conns_[id];
    if (!c.flush_queued && c.phase != Phase::closed) {
        c.flush_queued = true;
        pending_.push_back(id);
    }
}

void ClientPool::poll(std::int64_t until_ns) {
    const std::int64_t wait = until_ns - now_ns();
    timespec timeout{};
    if (wait > 0) {
        timeout.tv_sec = wait / ns_per_s;
        timeout.tv_nsec = wait % ns_per_s;
    }
    const int n = epoll_pwait2(epoll_fd_, ready_events_.data(), static_cast<int>(ready_events_.size()),
                               &timeout, nullptr);
    if (n < 0 && errno != EINTR) {
        throw std::runtime_error{errno_text("epoll_pwait2", errno)};
    }
    for (int i = 0; i < n; ++i) {
        const epoll_event& ev = ready_events_[static_cast<std::size_t>(i)];
        const std::uint32_t id = ev.data.u32;
        Connection& c = conns_[id];
        if (c.phase == Phase::closed) {
            continue;  // dropped earlier in this batch
        }
        if (c.phase == Phase::connecting) {
            finish_connect(id, now_ns());
            continue;
        }
        if ((ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) {
            handle_readable(id);
        }
        if ((ev.events & EPOLLOUT) != 0 && c.phase != Phase::closed) {
            flush(id);
        }
    }
    flush_pending();
}

void ClientPool::flush_pending() {
    // Index loop: callbacks run by flush() cannot add entries, but be safe.
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        const std::uint32_t id = pending_[i];
        Connection& c = conns_[id];
        c.flush_queued = false;
        if (c.phase != Phase::closed && c.phase != Phase::connecting) {
            flush(id);
        }
    }
    pending_.clear();
}

void ClientPool::close_all() {
    for (Connection& c : conns_) {
        if (c.fd >= 0) {
            ::close(c.fd);
            c.fd = -1;
        }
        c.tls.reset();
        c.phase = Phase::closed;
    }
    live_ = 0;
    pending_.clear();
}

void ClientPool::finish_connect(std::uint32_t id, std::int64_t now) {
    Connection& c = conns_[id];
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = errno;
    }
    if (err != 0) {
        lose(id, errno_text("connect", err), now);
        return;
    }
    c.connected_ns = now;
    if (tls_context_) {
        c.tls = std::make_unique<TlsSession>(*tls_context_);
        c.phase = Phase::tls_handshake;
        set_interest(id, false);
        (void)step_handshake(id, now);  // sends the ClientHello
        return;
    }
    c.phase = Phase::greeting;
    dialect_.append_greeting(c.out, c.name, c.kind);
    set_interest(id, false);
    if (!c.out.empty()) {
        flush(id);
    }
}

bool ClientPool::step_handshake(std::uint32_t id, std::int64_t now) {
    Connection& c = conns_[id];
    const TlsSession::Step step = c.tls->handshake();
    if (step == TlsSession::Step::error) {
        lose(id, c.tls->error(), now);
        return false;
    }
    if (step == TlsSession::Step::done) {
        ++tls_counts_.handshakes;
        tls_counts_.handshake_ns += now - c.connected_ns;
        if (tls_counts_.version.empty()) {
            tls_counts_.version = c.tls->version();
            tls_counts_.cipher = c.tls->cipher();
        }
        // From here on the dialect's login runs inside the TLS stream.
        c.phase = Phase::greeting;
        dialect_.append_greeting(c.out, c.name, c.kind);
    }
    if (c.tls->has_output() || !c.out.empty()) {
        flush(id);
    }
    return conns_[id].phase != Phase::closed;
}

void ClientPool::handle_readable(std::uint32_t id) {
    for (int i = 0; i < max_reads_per_wake; ++i) {
        Connection& c = conns_[id];
        const ssize_t n = receive(c.fd);
        if (n > 0) {
            rx_bytes_ += static_cast<std::uint64_t>(n);
            c.heard = true;
            const std::string_view raw{read_buf_.data(), static_cast<std::size_t>(n)};
            if (c.tls) {
                const std::int64_t now = now_ns();
                c.tls->feed(raw);
                if (c.phase == Phase::tls_handshake && !step_handshake(id, now)) {
                    return;
                }
                if (c.phase != Phase::tls_handshake) {
                    plain_.clear();
                    if (!c.tls->read(plain_)) {
                        lose(id, c.tls->error(), now);
                        return;
                    }
                    if (c.tls->has_output()) {
                        mark_pending(id);  // e.g. an alert or a key update's answer
                    }
                    if (!plain_.empty() && !handle_received(id, plain_, now)) {
                        return;
                    }
                }
            } else if (!handle_received(id, raw, now_ns())) {
                return;
            }
            if (conns_[id].phase == Phase::closed || static_cast<std::size_t>(n) < read_buf_.size()) {
                return;
            }
            continue;
        }
        if (n == 0) {
            lose(id, "server closed the connection", now_ns());
            return;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            lose(id, errno_text("recv", errno), now_ns());
        }
        return;
    }
}

bool ClientPool::handle_received(std::uint32_t id, std::string_view raw, std::int64_t now) {
    Connection& c = conns_[id];
    if (dialect_.is_web()) {
        return handle_web(id, raw, now);
    }
    if (c.wire.passes_through(raw)) {
        split_lines(id, raw.data(), raw.size(), now);
    } else {
        decoded_.clear();
        if (!c.wire.decode(raw, decoded_, inflated_, wire_counts_)) {
            lose(id, c.wire.error(), now);
            return false;
        }
        split_lines(id, decoded_.data(), decoded_.size(), now);
    }
    return conns_[id].phase != Phase::closed;
}

ssize_t ClientPool::receive(int fd) {
    iovec iov{read_buf_.data(), read_buf_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd, &msg, 0);
    arrived_ns_ = 0;
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); n > 0 && cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_TIMESTAMPNS) {
            timespec stamp{};
            std::memcpy(&stamp, CMSG_DATA(cmsg), sizeof stamp);
            arrived_ns_ = realtime_to_now_ns(stamp);
        }
    }
    return n;
}

bool ClientPool::handle_web(std::uint32_t id, std::string_view raw, std::int64_t now) {
    WsMessage message;
    for (;;) {
        Connection& c = conns_[id];
        switch (c.ws.next(raw, message)) {
        case WsReader::Step::more:
            return true;
        case WsReader::Step::upgraded:
            continue;
        case WsReader::Step::error:
            lose(id, "websocket: " + c.ws.error(), now);
            return false;
        case WsReader::Step::message:
            break;
        }
        if (message.opcode == ws::op_ping) {
            ++ws_counts_.pings;
            dialect_.append_pong(c.out, message.payload);
            mark_pending(id);
            continue;
        }
        if (message.opcode == ws::op_close) {
            std::string why = "server closed the WebSocket";
            if (message.payload.size() >= 2) {
                const unsigned code = (unsigned{static_cast<unsigned char>(message.payload[0])} << 8) |
                                      static_cast<unsigned char>(message.payload[1]);
                why += " (code " + std::to_string(code) + ")";
            }
            lose(id, std::move(why), now);
            return false;
        }
        if (message.opcode == ws::op_pong) {
            continue;
        }
        ++ws_counts_.messages;
        std::string_view text;
        const JsonText found = json_text_field(message.payload, text, json_text_);
        if (found == JsonText::absent) {
            ++ws_counts_.without_text;
            continue;
        }
        if (found == JsonText::malformed) {
            lose(id, "malformed JSON event: " + std::string{message.payload.substr(0, 120)}, now);
            return false;
        }
        // One event is one line; split anyway, as a telnet client would read it.
        while (conns_[id].phase != Phase::closed) {
            const auto nl = text.find('\n');
            handle_line(id, text.substr(0, nl), now);
            if (nl == std::string_view::npos) {
                break;
            }
            text.remove_prefix(nl + 1);
        }
        if (conns_[id].phase == Phase::closed) {
            return false;
        }
    }
}

void ClientPool::split_lines(std::uint32_t id, const char* data, std::size_t size, std::int64_t now) {
    const char* p = data;
    const char* const end = data + size;
    if (!conns_[id].partial.empty()) {
        const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        std::string& partial = conns_[id].partial;
        if (nl == nullptr) {
            partial.append(p, end);
            if (partial.size() > max_line_bytes) {
                lose(id, "line longer than 64 KiB from server", now);
            }
            return;
        }
        partial.append(p, nl);
        // Moved out first: handle_line may append to `partial` indirectly.
        const std::string line = std::move(partial);
        partial.clear();
        handle_line(id, line, now);
        p = nl + 1;
    }
    while (p < end && conns_[id].phase != Phase::closed) {
        const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (nl == nullptr) {
            conns_[id].partial.assign(p, end);
            return;
        }
        handle_line(id, std::string_view{p, static_cast<std::size_t>(nl - p)}, now);
        p = nl + 1;
    }
}

void ClientPool::handle_line(std::uint32_t id, std::string_view raw, std::int64_t now) {
    while (!raw.empty() && (raw.back() == '\r' || raw.back() == '\0')) {
        raw.remove_suffix(1);
    }
    ++rx_lines_;
    if (has_escape(raw)) {
        // Classified without its colour; `stripped_` lives until the next line.
        ++coloured_lines_;
        stripped_.clear();
        strip_escapes(raw, stripped_);
        raw = stripped_;
        while (!raw.empty() && raw.back() == '\r') {
            raw.remove_suffix(1);
        }
    }
    Line line = dialect_.classify(raw);
    // The stamp is of the read's last segment: for an earlier line in the
    // same read it is late, so latency is never understated.
    line.arrived_ns = arrived_ns_;
    Connection& c = conns_[id];
    if (line.kind == LineKind::other || line.kind == LineKind::refused) {
        c.last_notice.assign(raw.substr(0, 200));
    }
    if (line.kind == LineKind::ping) {
        dialect_.append_pong(c.out, line.token);
        mark_pending(id);
        return;
    }
    switch (c.phase) {
    case Phase::greeting:
        if (line.kind == LineKind::welcome) {
            if (dialect_.is_irc()) {
                if (config_.join_room) {
                    dialect_.append_join(c.out);
                    mark_pending(id);
                    c.phase = Phase::joining;
                } else {
                    become_ready(id, now);
                }
            } else {
                dialect_.append_login(c.out, c.name, c.kind);
                mark_pending(id);
                c.phase = Phase::logging_in;
            }
        } else if (line.kind == LineKind::refused) {
            lose(id, "refused before login: " + std::string{raw.substr(0, 200)}, now);
        }
        return;
    case Phase::logging_in:
        if (line.kind == LineKind::chat || line.kind == LineKind::entered) {
            events_.on_line(id, line, now);
        } else if (line.kind == LineKind::synced) {
            become_ready(id, now);
        } else if (line.kind == LineKind::refused) {
            lose(id, "login refused: " + std::string{raw.substr(0, 200)}, now);
        }
        return;
    case Phase::joining:
        if ((line.kind == LineKind::chat || line.kind == LineKind::entered) && line.token != c.name) {
            events_.on_line(id, line, now);
        } else if (line.kind == LineKind::joined) {
            become_ready(id, now);
        } else if (line.kind == LineKind::refused) {
            lose(id, "join refused: " + std::string{raw.substr(0, 200)}, now);
        }
        return;
    case Phase::ready:
        events_.on_line(id, line, now);
        return;
    case Phase::idle:
    case Phase::connecting:
    case Phase::tls_handshake:
    case Phase::closed:
        return;
    }
}

void ClientPool::become_ready(std::uint32_t id, std::int64_t now) {
    Connection& c = conns_[id];
    c.phase = Phase::ready;
    c.ready_ns = now;
    events_.on_ready(id, now);
}

void ClientPool::flush(std::uint32_t id) {
    Connection& c = conns_[id];
    if (c.tls) {
        // The plaintext is encrypted whole (nothing of the login before the
        // handshake is done); what the kernel does not take waits in `sealed`.
        if (c.phase != Phase::tls_handshake && !c.out.empty()) {
            if (!c.tls->write(c.out)) {
                lose(id, c.tls->error(), now_ns());
                return;
            }
            c.out.clear();
        }
        c.tls->take_output(c.sealed);
    }
    std::string& wire = c.tls ? c.sealed : c.out;
    while (c.out_head < wire.size()) {
        const ssize_t n = ::send(c.fd, wire.data() + c.out_head, wire.size() - c.out_head,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            c.out_head += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wire.size() - c.out_head > config_.max_outbox_bytes) {
                lose(id, "server stopped reading (outbox over limit)", now_ns());
                return;
            }
            // Drop what was sent so the buffer does not grow without bound.
            if (c.out_head > (std::size_t{1} << 20)) {
                wire.erase(0, c.out_head);
                c.out_head = 0;
            }
            if (!c.out_armed) {
                set_interest(id, true);
            }
            return;
        }
        lose(id, errno_text("send", n < 0 ? errno : EPIPE), now_ns());
        return;
    }
    wire.clear();
    c.out_head = 0;
    if (c.out_armed) {
        set_interest(id, false);
    }
}

void ClientPool::set_interest(std::uint32_t id, bool want_out) {
    Connection& c = conns_[id];
    epoll_event ev{};
    ev.events = EPOLLIN | (want_out ? EPOLLOUT : 0U);
    ev.data.u32 = id;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
    c.out_armed = want_out;
}

void ClientPool::lose(std::uint32_t id, std::string why, std::int64_t now) {
    Connection& c = conns_[id];
    if (c.phase == Phase::closed) {
        return;
    }
    if (!c.last_notice.empty() && why.find(c.last_notice) == std::string::npos) {
        why += " (last line: " + c.last_notice + ")";
    }
    ::close(c.fd);
    c.fd = -1;
    c.phase = Phase::closed;
    c.out.clear();
    c.out.shrink_to_fit();
    c.tls.reset();
    c.sealed.clear();
    c.sealed.shrink_to_fit();
    c.partial.clear();
    c.wire = WireDecoder{};
    c.ws = WsReader{};
    --live_;
    events_.on_lost(id, why, now);
}

}  // namespace natter::bench
