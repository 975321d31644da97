// bench/client_pool.hpp — many non-blocking TCP chat clients on one epoll
// instance: connecting (optionally from a chosen loopback source address),
// the login handshake of each dialect, answering IRC PINGs and WebSocket
// pings, telnet, MCCP2 and colour taken out of what arrives, WebSocket
// frames and JSON events turned back into lines, line framing, and batched
// writes (everything queued in one loop iteration leaves in one send() per
// client), optionally all of it inside TLS. Scenarios see only ready
// clients and classified lines; they must not touch sockets.
#pragma once

#include "bench/client_mix.hpp"
#include "bench/dialect.hpp"
#include "bench/tls_session.hpp"
#include "bench/wire_decoder.hpp"
#include "bench/ws_reader.hpp"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace natter::bench {

struct PoolConfig {
    sockaddr_in server{};
    // Several servers (cluster nodes): client id i connects to
    // servers[node_of_client(i, size)]; empty: every client to `server`.
    std::vector<sockaddr_in> servers;
    // First IPv4 source address (host byte order) to bind before connect, and
    // how many connections use each address before the next one (127.0.0.2,
    // 127.0.0.3, ...). 0 lets the kernel choose the source.
    std::uint32_t first_source = 0;
    std::uint32_t per_source = 1000;
    // IRC only: JOIN the bench channel once registered (natter's login
    // always lands in a room).
    bool join_room = true;
    // A client whose unsent bytes exceed this is dropped: the server has
    // stopped reading and the scenario could only grow memory from here.
    std::size_t max_outbox_bytes = std::size_t{64} << 20;
    // Which kind of client each id plays (natter only).
    ClientMix mix = ClientMix::plain;
    // Every connection is TLS (no certificate verification); the handshake
    // is part of connecting, before the dialect's greeting.
    bool tls = false;
};

// The TLS handshakes the clients made (with PoolConfig::tls).
struct TlsCounts {
    std::uint64_t handshakes = 0;
    std::int64_t handshake_ns = 0;  // sum over them, TCP connected to handshake done
    std::string version;            // of the first, e.g. "TLSv1.3"
    std::string cipher;
};

// What came over the WebSockets (web dialect only).
struct WsCounts {
    std::uint64_t messages = 0;      // data messages: one JSON event each
    std::uint64_t without_text = 0;  // ... of which carried no `text` line
    std::uint64_t pings = 0;         // server pings answered
};

enum class Phase : std::uint8_t { idle, connecting, tls_handshake, greeting, logging_in, joining, ready, closed };

struct Connection {
    int fd = -1;
    Phase phase = Phase::idle;
    ClientKind kind = ClientKind::plain;
    bool flush_queued = false;
    bool out_armed = false;
    bool heard = false;    // the server has sent at least one byte
    std::string name;
    std::string partial;   // an incomplete line carried to the next read
    std::string out;       // bytes not yet accepted by the kernel (TLS: not yet encrypted)
    std::size_t out_head = 0;  // into `sealed` with TLS, else into `out`
    std::unique_ptr<TlsSession> tls;
    std::string sealed;    // TLS: ciphertext not yet accepted by the kernel
    std::string last_notice;  // last non-chat line, to explain a disconnect
    WireDecoder wire;         // telnet and MCCP2 out of what arrives
    WsReader ws;              // web: the upgrade response, then frames
    std::int64_t opened_ns = 0;
    std::int64_t ready_ns = 0;
    std::int64_t connected_ns = 0;  // TCP connected (the TLS handshake starts)
};

// Scenario callbacks. They run inside ClientPool::poll and may queue output
// or open more clients, but never close one.
class PoolEvents {
public:
    PoolEvents() = default;
    PoolEvents(const PoolEvents&) = delete;
    PoolEvents& operator=(const PoolEvents&) = delete;

    // The client finished its login (and, for IRC with join_room, its JOIN).
    virtual void on_ready(std::uint32_t id, std::int64_t now) = 0;
    // A line received by a ready client (IRC PINGs are already answered).
    // Chat lines and entered notices that overtake the end of a client's own
    // login handshake are passed on too, so none goes uncounted.
    virtual void on_line(std::uint32_t id, const Line& line, std::int64_t now) = 0;
    // The client failed to connect or log in, or the server dropped it.
    virtual void on_lost(std::uint32_t id, std::string_view why, std::int64_t now) = 0;

protected:
    ~PoolEvents() = default;
};

class ClientPool {
public:
    ClientPool(const Dialect& dialect, const PoolConfig& config, PoolEvents& events,
               std::uint32_t capacity);
    ~ClientPool();
    ClientPool(const ClientPool&) = delete;
    ClientPool& operator=(const ClientPool&) = delete;

    // Starts client `id` (< capacity, each id used once) logging in as `name`.
    // A failure is reported through on_lost, and false is returned.
    bool open(std::uint32_t id, std::string name, std::int64_t now);

    // The client's output buffer; append to it, then call mark_pending.
    [[nodiscard]] std::string& outbox(std::uint32_t id) { return conns_[id].out; }
    void mark_pending(std::uint32_t id);

    // Waits for socket events until `until_ns` at the latest, handles what
    // arrived, then flushes every client with pending output once.
    void poll(std::int64_t until_ns);

    // Drops one client as the server would have (on_lost is called), e.g.
    // when its login never completed.
    void drop(std::uint32_t id, std::string why, std::int64_t now) { lose(id, std::move(why), now); }

    // Writes every client's pending output now (poll does this itself; call
    // it after queueing outside poll so timestamped lines leave at once).
    void flush_pending();

    // Closes every socket without callbacks (the run is over).
    void close_all();

    [[nodiscard]] const Connection& at(std::uint32_t id) const { return conns_[id]; }
    [[nodiscard]] std::uint32_t live() const noexcept { return live_; }
    [[nodiscard]] std::uint64_t rx_bytes() const noexcept { return rx_bytes_; }
    [[nodiscard]] std::uint64_t rx_lines() const noexcept { return rx_lines_; }
    // What was taken out of the received bytes: telnet, GMCP, compression.
    [[nodiscard]] const WireCounts& wire_counts() const noexcept { return wire_counts_; }
    [[nodiscard]] const WsCounts& ws_counts() const noexcept { return ws_counts_; }
    [[nodiscard]] const TlsCounts& tls_counts() const noexcept { return tls_counts_; }
    [[nodiscard]] bool tls() const noexcept { return tls_context_.has_value(); }
    // Lines that carried escape sequences (colour), stripped before use.
    [[nodiscard]] std::uint64_t coloured_lines() const noexcept { return coloured_lines_; }
    [[nodiscard]] ClientMix mix() const noexcept { return config_.mix; }
    [[nodiscard]] const Dialect& dialect() const noexcept { return dialect_; }

private:
    void finish_connect(std::uint32_t id, std::int64_t now);
    void handle_readable(std::uint32_t id);
    // TLS: the handshake's next step after a read (or the TCP connect).
    // False when the client was lost.
    bool step_handshake(std::uint32_t id, std::int64_t now);
    // What one read brought, after TLS if any: frames or telnet, then lines.
    // False when the client was lost.
    bool handle_received(std::uint32_t id, std::string_view raw, std::int64_t now);
    // recv() into read_buf_, setting arrived_ns_ from the kernel's stamp.
    ssize_t receive(int fd);
    // web: frames out of one read, each event's `text` handled as a line.
    // False when the client was lost.
    bool handle_web(std::uint32_t id, std::string_view raw, std::int64_t now);
    void split_lines(std::uint32_t id, const char* data, std::size_t size, std::int64_t now);
    void handle_line(std::uint32_t id, std::string_view raw, std::int64_t now);
    void become_ready(std::uint32_t id, std::int64_t now);
    void flush(std::uint32_t id);
    void set_interest(std::uint32_t id, bool want_out);
    void lose(std::uint32_t id, std::string why, std::int64_t now);

    const Dialect& dialect_;
    PoolConfig config_;
    PoolEvents& events_;
    int epoll_fd_ = -1;
    std::vector<Connection> conns_;
    std::vector<std::uint32_t> pending_;
    std::vector<char> read_buf_;
    std::string decoded_;   // the text of one read, when it was not all text
    std::string inflated_;  // WireDecoder's scratch
    std::string stripped_;  // one line without its colour
    std::string json_text_;  // an event's `text` when it had escapes
    std::string plain_;      // TLS: the plaintext of one read
    std::optional<TlsContext> tls_context_;
    std::array<epoll_event, 1024> ready_events_{};
    std::uint32_t live_ = 0;
    std::uint64_t rx_bytes_ = 0;
    std::int64_t arrived_ns_ = 0;  // of the last receive(); 0 if unknown
    std::uint64_t rx_lines_ = 0;
    std::uint64_t coloured_lines_ = 0;
    WireCounts wire_counts_;
    WsCounts ws_counts_;
    TlsCounts tls_counts_;
};

}  // namespace natter::bench
