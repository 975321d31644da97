// Everything the server knows, as a plain object: configuration, rooms,
// sessions, logged-in users, and the sessions with output to flush. Passed
// by reference, never global, so a test can build as many as it likes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "src/config.hpp"
#include "src/event.hpp"
#include "src/metrics.hpp"
#include "src/output_pacer.hpp"
#include "src/room_topic.hpp"
#include "src/seen_log.hpp"

namespace natter {

class Accounts;
class Background;
class Cluster;
struct RestartState;
class Room;
class Session;

class World {
public:
    using Clock = std::chrono::steady_clock;

    explicit World(Config config);
    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    [[nodiscard]] const Config& config() const { return config_; }
    // Applies a reloaded configuration (name, motd, limits, rooms to add).
    void reconfigure(Config config);

    [[nodiscard]] Clock::time_point now() const { return clock_(); }
    void set_clock(std::function<Clock::time_point()> clock) { clock_ = std::move(clock); }
    // The time of day people see (history); replaceable so tests can fix it.
    using WallClock = std::chrono::system_clock;
    [[nodiscard]] WallClock::time_point wall_now() const { return wall_clock_(); }
    void set_wall_clock(std::function<WallClock::time_point()> clock) { wall_clock_ = std::move(clock); }

    // --- rooms
    [[nodiscard]] Room& login_room() { return *login_room_; }
    [[nodiscard]] Room& logout_room() { return *logout_room_; }
    [[nodiscard]] Room& main_room();  // where login lands: the first permanent room
    [[nodiscard]] Room* find_room(std::string_view name) const;
    // The chat rooms: permanent ones (config order) first, then created ones.
    [[nodiscard]] const std::vector<std::unique_ptr<Room>>& chat_rooms() const { return chat_rooms_; }
    [[nodiscard]] bool is_permanent(const Room& room) const;
    // A new chat room (`join` to a free name); `name` must be valid and free.
    Room& create_room(std::string name);
    // Called by a chat room that has just lost its last member. A created
    // room is destroyed in settle(), never while a call on it may be running.
    void room_emptied() { sweep_rooms_ = true; }

    // --- users (logged-in sessions), unique case-insensitively
    [[nodiscard]] Session* find_user(std::string_view name) const;
    void add_user(Session& session);     // the name must be free
    void remove_user(Session& session);  // no-op if not logged in
    [[nodiscard]] const std::list<Session*>& users() const { return users_; }  // login order
    // When names that have left were last here, this run.
    [[nodiscard]] const SeenLog& seen() const { return seen_; }

    // --- topics of permanent rooms, as the account store keeps them
    // Gives the rooms their stored topics (Accounts::open, at start-up);
    // a room made permanent by a later reload gets its topic too.
    void restore_topics(std::vector<RoomTopic> topics);
    // A permanent room's topic changed: kept for a restart.
    void keep_topic(RoomTopic topic);

    // --- every session, logged in or not
    [[nodiscard]] const std::list<Session*>& sessions() const { return sessions_; }
    // The session with this id (Session::id), or nullptr once it has gone:
    // how slow work finds its session again without holding a pointer.
    [[nodiscard]] Session* find_session(std::uint64_t id) const;

    // --- accounts, bans, and where slow work runs (set by the network layer)
    [[nodiscard]] Accounts& accounts() { return *accounts_; }
    [[nodiscard]] const Accounts& accounts() const { return *accounts_; }
    [[nodiscard]] Background* background() const { return background_; }
    // This node's part in a cluster ([cluster] redis set), or nullptr.
    [[nodiscard]] Cluster* cluster() const { return cluster_.get(); }
    void set_background(Background* background) { background_ = background; }
    // --- what the world tells crawlers and the benchmarks
    // The wall-clock time the world was made (MSSP UPTIME).
    [[nodiscard]] WallClock::time_point started() const { return started_; }
    // The telnet and MUD ports being listened on, the classic one first
    // (set by the network layer once bound).
    [[nodiscard]] const std::vector<std::uint16_t>& telnet_ports() const { return telnet_ports_; }
    void set_telnet_ports(std::vector<std::uint16_t> ports) { telnet_ports_ = std::move(ports); }
    // The ports that speak TLS to telnet and MUD clients (where a plain
    // client is sent to type a password), and to browsers.
    [[nodiscard]] const std::vector<std::uint16_t>& tls_telnet_ports() const { return tls_telnet_ports_; }
    [[nodiscard]] const std::vector<std::uint16_t>& tls_web_ports() const { return tls_web_ports_; }
    void set_tls_ports(std::vector<std::uint16_t> telnet, std::vector<std::uint16_t> web) {
        tls_telnet_ports_ = std::move(telnet);
        tls_web_ports_ = std::move(web);
    }
    // Events sent to more than one session, and how many renders they took
    // in all: one per distinct variant among each event's receivers.
    void count_broadcast(std::size_t renders) {
        ++broadcasts_;
        renders_ += renders;
    }
    [[nodiscard]] std::uint64_t broadcasts() const { return broadcasts_; }
    [[nodiscard]] std::uint64_t renders() const { return renders_; }
    // The running counts /metrics shows, bumped where the work is done.
    [[nodiscard]] Metrics& metrics() { return metrics_; }
    [[nodiscard]] const Metrics& metrics() const { return metrics_; }

    // Sends `event` to every logged-in user (an announcement, a shout), or
    // to every session that is not closing (a server notice), rendered once
    // per variant among them; users who ignore `speaker` (when given) are
    // skipped.
    void broadcast_to_users(const Event& event, const Session* speaker = nullptr);
    void broadcast_to_sessions(const Event& event);

    // An operator's `shutdown`: the network layer polls this once per loop
    // iteration and then stops as on SIGTERM.
    void request_stop() { stop_requested_ = true; }
    // An operator (`by`) stops the server in `seconds`: everyone is told now.
    void schedule_shutdown(std::string_view by, unsigned seconds);
    [[nodiscard]] bool stop_requested() const { return stop_requested_; }

    // --- output scheduling
    void mark_pending(Session& session);
    // Calls `flush(session)` once for each session that got output since the
    // last call; a session marked again during the calls waits for the next.
    template <class F>
    void flush_pending(F&& flush);
    [[nodiscard]] bool has_pending() const { return !pending_.empty(); }

    // Output piles up between flushes when many lines arrive in one loop
    // iteration (a thousand logins read at once, each announced to thousands
    // of members). So the network layer writes what the kernel takes at
    // once: of one session, each time its outbox grows past a multiple of
    // early_flush_bytes (so only a client that really stopped reading
    // reaches the output limit); of every pending session, when
    // early_flush_total_bytes were queued since the last flush (so memory
    // tracks the kernel's pace, not the iteration's size). The hooks must not disconnect anyone (use
    // defer_disconnect): they run in the middle of a broadcast.
    static constexpr std::size_t early_flush_bytes = 64 * 1024;
    // The step actually used: smaller when a small output limit makes the
    // pacer's marks smaller than early_flush_bytes.
    [[nodiscard]] std::size_t early_flush_step() const { return std::size_t{1} << early_flush_shift_; }
    static constexpr std::size_t early_flush_total_bytes = 16 * 1024 * 1024;
    void set_early_flush(std::function<void(Session&)> one, std::function<void()> all) {
        early_flush_ = std::move(one);
        early_flush_all_ = std::move(all);
    }
    // Called by a session after appending `bytes` to its outbox.
    void queued(Session& session, std::size_t bytes);
    // Calls `f(session)` for each session waiting to be flushed; they stay
    // waiting. `f` must not queue output.
    template <class F>
    void for_each_pending(F&& f) const {
        for (auto* session : pending_) f(*session);
    }

    // When input waits for output, and who is too slow to wait for (the
    // network layer asks it before every read and reports what the kernel
    // takes).
    [[nodiscard]] OutputPacer& pacer() { return pacer_; }

    // A session that must go while others are being served (its output is
    // over the limit, say) is disconnected here, at a safe point, not in the
    // middle of a broadcast.
    void defer_disconnect(Session& session, std::string reason);
    void settle();

    // Closes sessions that never logged in, or went idle, past the configured
    // limits, warning idle users first (and marking them away before that),
    // and lets accounts expire when due. Call about once a second.
    void enforce_timeouts();

    // --- hot restart
    // The rooms (topics, history), who was last seen when, and when the run
    // started, into `state`; the sessions go in one by one (Session::snapshot).
    void snapshot_into(RestartState& state) const;
    // The same back, before any session is restored: created rooms are made
    // again (a permanent room keeps the stored topic); rooms the new
    // configuration no longer has are made as created rooms.
    void restore_from(const RestartState& state);
    // An operator's `reboot` (or SIGUSR2): the network layer polls this once
    // per loop iteration. `by` is the operator's session id (0: a signal).
    void request_reboot(std::string reason, std::uint64_t by) {
        reboot_reason_ = std::move(reason);
        reboot_by_ = by;
        reboot_requested_ = true;
    }
    [[nodiscard]] bool reboot_requested() const { return reboot_requested_; }
    // Takes the request: its reason and who asked.
    std::pair<std::string, std::uint64_t> take_reboot_request() {
        reboot_requested_ = false;
        return {std::move(reboot_reason_), reboot_by_};
    }

    // Every session gets `notice`, then is disconnected without leave notices.
    void shutdown(std::string_view notice);
    [[nodiscard]] bool shutting_down() const { return shutting_down_; }

private:
    friend class Session;
    static void clear_pending(Session& session);
    void attach(Session& session);
    void detach(Session& session);
    void ensure_permanent_rooms();
    void apply_limits();
    // Removes created rooms left empty (see room_emptied).
    void sweep_rooms();
    // Tells the clients that show structure which rooms there are now.
    void announce_channels();
    // The stored topic of the permanent room `room`, if there is one.
    void restore_topic(Room& room);
    // Marks an idle user away, warns them, or closes their session.
    void enforce_idle(Session& session, Clock::time_point now);

    Config config_;
    std::function<Clock::time_point()> clock_ = [] { return Clock::now(); };
    std::unique_ptr<Room> login_room_;
    std::unique_ptr<Room> logout_room_;
    std::vector<std::unique_ptr<Room>> chat_rooms_;  // permanent ones first
    bool sweep_rooms_ = false;  // an emptied room may be due for removal
    std::function<WallClock::time_point()> wall_clock_ = [] { return WallClock::now(); };
    std::list<Session*> sessions_;
    std::list<Session*> users_;
    std::unordered_map<std::string, Session*> users_by_key_;
    SeenLog seen_;
    std::vector<RoomTopic> saved_topics_;  // as stored; permanent rooms' topics
    std::vector<Session*> pending_;
    std::vector<Session*> flushing_;  // reused between flushes
    std::vector<std::pair<Session*, std::string>> doomed_;
    std::function<void(Session&)> early_flush_;
    std::function<void()> early_flush_all_;
    std::size_t queued_since_flush_ = 0;
    OutputPacer pacer_;
    unsigned early_flush_shift_ = 16;  // log2 of early_flush_step()
    bool shutting_down_ = false;
    std::unique_ptr<Accounts> accounts_;
    std::unique_ptr<Cluster> cluster_;
    Background* background_ = nullptr;
    std::unordered_map<std::uint64_t, Session*> sessions_by_id_;
    std::uint64_t last_session_id_ = 0;
    bool stop_requested_ = false;
    bool reboot_requested_ = false;
    std::string reboot_reason_;
    std::uint64_t reboot_by_ = 0;
    WallClock::time_point started_ = WallClock::now();
    std::vector<std::uint16_t> telnet_ports_;  // plain telnet and MUD ports
    std::vector<std::uint16_t> tls_telnet_ports_;
    std::vector<std::uint16_t> tls_web_ports_;
    std::string_view dispatching_;  // the line a session is dispatching now (Session::take_line)
    std::uint64_t broadcasts_ = 0;
    std::uint64_t renders_ = 0;
    Metrics metrics_;
};

template <class F>
void World::flush_pending(F&& flush) {
    queued_since_flush_ = 0;
    flushing_.swap(pending_);
    for (auto* session : flushing_) {
        clear_pending(*session);
        flush(*session);
    }
    flushing_.clear();
}

}  // namespace natter
