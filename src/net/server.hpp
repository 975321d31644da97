// The event loop and everything attached to it: the listener, signals, and
// the once-per-iteration flush of pending output (a uv_prepare_t, which runs
// right before the loop polls). Owns the loop; the World is the caller's.
#pragma once

#include <uv.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "src/error.hpp"
#include "src/net/loop_timer.hpp"
#include "src/net/parallel_sender.hpp"
#include "src/net/redis_link.hpp"
#include "src/net/service_notifier.hpp"
#include "src/net/thread_pool_background.hpp"
#include "src/restart_state.hpp"
#include "src/tls_context.hpp"
#include "src/world.hpp"

namespace natter::net {

class Connection;

struct ListenOverrides {
    std::optional<std::string> host;
    std::optional<std::uint16_t> port;
};

// How to start natterd again for a hot restart: the binary it was started
// as and its arguments (without any --restore of its own).
struct RestartCommand {
    std::string executable;
    std::vector<std::string> arguments;  // after argv[0]
};

class Server {
public:
    Server(World& world, std::string config_path, ListenOverrides overrides);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens; on failure everything opened is closed again.
    // With `restored`, the listeners it holds are taken over instead of
    // bound again and its connections carry on (a hot restart).
    [[nodiscard]] Result<void> start(const RestartState* restored = nullptr);
    // What a hot restart executes; without it `reboot` is refused.
    void set_restart_command(RestartCommand command) { restart_command_ = std::move(command); }
    // Runs until a shutdown completes. Returns the process exit status.
    int run();

    [[nodiscard]] World& world() { return world_; }
    [[nodiscard]] uv_loop_t* loop() { return &loop_; }
    [[nodiscard]] std::uint16_t port() const { return port_; }

    // The loop-owned read buffer: every read lands here and is consumed
    // before the next read, so connections keep no buffer of their own. One
    // read is at most an eighth of the output limit (and at most 64 KiB), so
    // the lines of one read cannot fill a reading client's outbox.
    [[nodiscard]] uv_buf_t read_buffer() { return uv_buf_init(read_buffer_.data(), read_chunk_); }

    // Input pacing (OutputPacer): whether no input may be read now; the
    // loop iteration, so each connection reads once per iteration; and the
    // connections that stopped reading, started again by pace().
    [[nodiscard]] bool input_paused() const { return world_.pacer().paused() || draining_for_restart(); }
    [[nodiscard]] std::uint16_t iteration() const { return iteration_; }
    void read_later(Connection& connection) { read_stopped_.push_back(&connection); }
    // TLS handshakes cost about a millisecond of CPU each: at most this many
    // handshake reads per loop iteration, so a flood of new TLS clients
    // delays the chat by tens of milliseconds, not seconds. False: this one
    // waits for the next iteration.
    [[nodiscard]] bool take_handshake_turn() { return handshake_turns_ > 0 ? (--handshake_turns_, true) : false; }
    // Decrypted input of the read being handled (TLS): one buffer for all
    // connections, like the read buffer.
    [[nodiscard]] std::string& tls_plaintext() { return tls_plaintext_; }

    // Called when a connection's socket is closed: its place under
    // max_clients and max_per_address is free at once, before the close
    // callback, so a client that reconnects on seeing EOF finds it free.
    void release(Connection& connection);
    // Called from Connection's close callback.
    void forget(Connection& connection);
    // A connection without a session (a web request being answered) has
    // output for the next flush.
    void mark_pending(Connection& connection);
    // A web connection's client turned out to be `to` (named by a trusted
    // proxy), not the proxy `from`: the per-address count follows.
    void move_address(const std::string& from, const std::string& to);
    // Why a WebSocket client at `address` may not stay (too many from its
    // address, now that it is known), or nullptr.
    [[nodiscard]] const char* refusal_after_upgrade(const std::string& address) const;
    // GET /metrics: the Prometheus text for this moment.
    [[nodiscard]] std::string metrics_text() const;

private:
    static void on_connection(uv_stream_t* listener, int status) noexcept;
    static void on_prepare(uv_prepare_t* prepare) noexcept;
    static void on_signal(uv_signal_t* signal, int signum) noexcept;
    static void on_drain_timeout(uv_timer_t* timer) noexcept;
    static void on_tick(uv_timer_t* timer) noexcept;
    static void on_cluster_timer(uv_timer_t* timer) noexcept;
    // Joins the cluster when [cluster] redis is set: the link, the heartbeat.
    Result<void> start_cluster(const std::string& host);
    static void on_pacing_timer(uv_timer_t* timer) noexcept;
    static void on_restart_check_exit(uv_process_t* process, std::int64_t status, int signal) noexcept;
    static void on_restart_timer(uv_timer_t* timer) noexcept;

    // One listening socket and what it serves.
    struct Listener {
        uv_tcp_t handle{};
        Server* server = nullptr;
        ListenerKind kind = ListenerKind::telnet;
        bool tls = false;
        std::string host;
        std::uint16_t port = 0;  // as bound
        std::uint16_t configured_port = 0;
        std::uint8_t index = 0;  // in listeners_
        bool open = false;
    };
    // Binds a listener, or with a restored state takes over the one it holds
    // for the same host, configured port, kind and TLS.
    [[nodiscard]] Result<void> listen(const std::string& host, std::uint16_t port, ListenerKind kind, bool tls);
    [[nodiscard]] Result<void> bind_listener(Listener& listener, std::uint16_t port);
    // [tls] cert and key, read from disk, when a listener needs them.
    [[nodiscard]] Result<void> load_tls(const Config& config);
    // Handshakes that ran out of time are dropped.
    void expire_handshakes();
    void close_listeners();
    void accept_one(Listener& listener);
    // Counts a new connection in, and starts it unless it is refused.
    void admit(Connection& connection);
    // Why a new connection from `address` may not stay, or nullptr.
    [[nodiscard]] const char* refusal_for(const std::string& address, bool out_of_descriptors) const;
    // Logs the start and the end of an episode of running out of descriptors.
    void note_descriptor_pressure(bool refused);
    void compute_descriptor_budget();
    // io_threads as configured: 0 = one per core, at most 8.
    [[nodiscard]] static unsigned io_threads_for(std::uint32_t configured);
    void start_sender();
    void log_sender_notes();
    void flush_all();
    // Lets the pacer look at the clients whose output is behind, drops the
    // ones it gives up on, and starts reading again when input may flow.
    void pace();
    void apply_read_chunk();
    // Sends what each of `connections` may send now, split across the I/O
    // threads (each with one io_uring submission where there is a ring,
    // else socket by socket). `sending` gets those that had output,
    // `results` the kernel's answers (bytes taken or a negative errno), in
    // the same order. Runs no session code: what may be sent is asked for on
    // this thread (it may compress), the other threads only make the calls.
    void send_now(const std::vector<Connection*>& connections, std::vector<Connection*>& sending,
                  std::vector<int>& results);
    // One round of flushing `flushing_`.
    void flush_batch();
    // Mid-iteration, from the World: writes what the kernel takes of one
    // session's output, or of every pending session's, disconnecting no one
    // on the spot.
    void flush_early_one(Connection& connection);
    void flush_early_all();
    void begin_shutdown();
    void reload();

    // --- hot restart (server_restart.cpp)
    struct Restart {
        enum class Phase : std::uint8_t { checking, draining, executing };
        Phase phase = Phase::checking;
        std::string reason;
        std::uint64_t by = 0;  // the operator's session id; 0: a signal
        std::string dir;       // private: the check's answer and the state
        std::chrono::steady_clock::time_point deadline{};
    };
    [[nodiscard]] bool draining_for_restart() const;
    // An operator's reboot (`by`: their session id) or SIGUSR2 (0): first
    // the new binary is asked whether it starts and reads our state.
    void begin_restart(std::string reason, std::uint64_t by);
    void on_restart_checked(std::int64_t status, int signal);
    // Tells everyone, lets go of TLS connections, stops reading, and waits
    // (bounded) for output and background work to finish.
    void drain_for_restart();
    void check_restart_drained();
    // Saves the state and executes the new binary; returns only if that failed.
    void execute_restart();
    // Back to normal service, telling `why` to the operator (and to everyone
    // once they were told of the restart).
    void abandon_restart(const std::string& why);
    // Tells the operator who asked (or the log, for a signal).
    void tell_restart_operator(const std::string& text);
    void restore_connections(const RestartState& state);
    // A connection accepted while the restart is prepared waits, unstarted.
    std::vector<Connection*> parked_;
    std::unique_ptr<Restart> restart_;
    RestartCommand restart_command_;
    std::vector<ListenerSnapshot> inherited_listeners_;  // during start(): not yet taken over
    uv_signal_t sigusr2_{};
    uv_process_t restart_check_{};  // the new binary's --check-restart
    bool restart_check_running_ = false;
    uv_timer_t restart_timer_{};  // the check's time limit, then the drain's polling
    void close_own_handles();

    World& world_;
    std::string config_path_;
    ListenOverrides overrides_;
    uv_loop_t loop_{};
    std::vector<std::unique_ptr<Listener>> listeners_;  // the classic port first
    uv_prepare_t prepare_{};
    uv_signal_t sigint_{};
    uv_signal_t sigterm_{};
    uv_signal_t sighup_{};
    uv_timer_t drain_timer_{};
    uv_timer_t tick_timer_{};
    uv_timer_t cluster_timer_{};  // the cluster's heartbeat
    std::unique_ptr<RedisLink> redis_link_;
    bool redis_link_closing_ = false;
    uv_timer_t pacing_timer_{};  // runs while input is paused, so pacing never waits for the tick
    ThreadPoolBackground background_{&loop_};  // hashing and database work; installed in the World
    std::array<char, 64 * 1024> read_buffer_;
    std::unique_ptr<ParallelSender> sender_;  // every flush's system calls; made in start()
    ServiceNotifier notifier_ = ServiceNotifier::from_environment();  // systemd; idle without it
    // Reused every iteration. The early flush has its own: it may run while
    // flush_batch is applying its results.
    std::vector<Connection*> flushing_;
    std::vector<Connection*> sending_;
    std::vector<int> send_results_;
    std::vector<Connection*> early_pending_;
    std::vector<Connection*> early_sending_;
    std::vector<int> early_results_;
    std::vector<Connection*> read_stopped_;
    std::vector<Connection*> web_connections_;       // for their ping ticks
    std::vector<Connection*> pending_connections_;   // output waiting outside the World's list
    std::vector<Connection*> tls_handshaking_;       // for their handshake timeout
    std::shared_ptr<const TlsContext> tls_context_;  // new connections' ; live ones keep theirs
    std::string tls_plaintext_;
    static constexpr int handshake_turns_per_iteration = 32;
    int handshake_turns_ = handshake_turns_per_iteration;
    std::chrono::steady_clock::time_point last_paced_{};
    std::uint16_t iteration_ = 0;
    unsigned read_chunk_ = 64 * 1024;
    bool pacing_timer_running_ = false;
    std::uint16_t port_ = 0;
    std::size_t connections_ = 0;
    // For /metrics, by (listener kind, TLS): see count_slot().
    static constexpr std::size_t count_slots = 6;
    [[nodiscard]] static std::size_t count_slot(ListenerKind kind, bool tls) {
        return static_cast<std::size_t>(kind) * 2 + (tls ? 1 : 0);
    }
    std::array<std::uint64_t, count_slots> open_by_kind_{};
    std::array<std::uint64_t, count_slots> accepted_by_kind_{};
    LoopTimer loop_timer_;
    std::unordered_map<std::string, std::size_t> per_address_;
    // Connections that fit in the process's descriptor limit, less what the
    // server holds itself and some slack. Past it a newcomer is told the
    // server is full while there is still a descriptor to tell it with.
    std::size_t descriptor_budget_ = 0;
    std::size_t refused_for_descriptors_ = 0;  // > 0: in an episode
    bool loop_ready_ = false;
    bool shutting_down_ = false;
};

}  // namespace natter::net
