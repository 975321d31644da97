// The real ClusterLink: Redis over two hiredis async connections on the
// loop, one for commands and one for SUBSCRIBE (RESP2 allows nothing else
// on a subscribed connection).
//
// Up only while both connections answer and every channel of the
// subscription set is subscribed again. A watchdog sends PING on the
// command connection and re-subscribes a probe channel on the subscriber
// (hiredis 0.14 hands a PONG in subscribe mode to the wrong callback) every
// ping interval; three intervals without an answer on either, a connect
// failure or a lost connection take the link down: both connections go,
// commands in flight fail, and it connects again after a backoff (250 ms,
// ×1.5, at most 5 s). hiredis 0.14 has no timeouts of its own.
//
// link_up() and link_down() alternate, starting with link_up(): a link that
// never came up (no Redis at start) reports nothing until it does. Messages
// for channels whose SUBSCRIBE is confirmed before the whole set is are held
// and delivered right after link_up(). No listener call comes after close().
// hiredis writes with write(2): the process must ignore SIGPIPE (natterd does).
#pragma once

#include <uv.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/cluster_link.hpp"
#include "src/redis_address.hpp"

struct redisAsyncContext;
struct redisReply;

namespace natter::net {

class RedisLink final : public ClusterLink {
public:
    // The channel the subscriber's watchdog re-subscribes as its ping.
    static constexpr std::string_view probe_channel = "natter:link:probe";
    // Intervals without an answer after which a connection counts as dead.
    static constexpr int max_unanswered = 3;

    // Nothing happens before start(). The loop must outlive the link.
    RedisLink(uv_loop_t* loop, RedisAddress address, std::chrono::milliseconds ping_interval);
    // Only once close()'s callback ran: the link owns handles on the loop.
    ~RedisLink() override;
    RedisLink(const RedisLink&) = delete;
    RedisLink& operator=(const RedisLink&) = delete;

    // Connects (and keeps connecting until close()).
    void start();
    // Drops both connections (commands in flight fail with an error, right
    // here) and closes every handle; `closed` runs on the loop once all are
    // gone, and the link may be destroyed from it.
    void close(std::function<void()> closed = {});

    void set_listener(Listener* listener) override { listener_ = listener; }
    bool up() const override { return state_ == State::up; }
    void command(const std::vector<std::string>& argv, Done done) override;
    void subscribe(const std::string& channel) override;
    void unsubscribe(const std::string& channel) override;

    // Why the link last went down or failed to come up; empty if never.
    const std::string& last_error() const { return last_error_; }

private:
    enum class State { idle, connecting, up, waiting, closing, closed };

    // One hiredis context and what the link knows of it; the context's
    // `data` points here, so its callbacks find their way back.
    struct Connection {
        RedisLink* link = nullptr;
        const char* name = "";
        redisAsyncContext* context = nullptr;  // null: none, or being freed
        int unanswered = 0;     // watchdog ticks since the last reply
        bool answered = false;  // a reply came since this context connected
        std::string dropped_because;  // for callbacks of a context the link let go
        std::deque<Done> in_flight;   // command connection: one per command sent, in order
    };

    static void on_connect(const redisAsyncContext* context, int status);
    static void on_disconnect(const redisAsyncContext* context, int status);
    static void on_command_reply(redisAsyncContext* context, void* reply, void* data);
    static void on_subscriber_reply(redisAsyncContext* context, void* reply, void* data);
    static void on_adapter_closed(void* data);

    void connect_both();
    bool open(Connection& connection);
    void let_go(Connection& connection, const std::string& reason);
    void drop(const std::string& reason);
    void maybe_up();
    void watchdog_tick();
    void send_ping();
    void send_subscribe(const std::vector<std::string>& channels);
    void deliver(std::string_view channel, std::string_view payload);
    void fail_later(Done done, std::string reason);
    void run_failures();
    void handle_closed();
    void finish_close();

    uv_loop_t* loop_;
    RedisAddress address_;
    std::chrono::milliseconds ping_interval_;
    Listener* listener_ = nullptr;
    State state_ = State::idle;
    std::string last_error_;
    std::chrono::milliseconds backoff_;

    Connection commands_;
    Connection subscriber_;
    std::set<std::string> subscriptions_;
    std::size_t confirmations_due_ = 0;  // subscribe confirmations not yet received
    std::vector<std::pair<std::string, std::string>> held_messages_;

    uv_timer_t watchdog_{};
    uv_timer_t retry_{};
    uv_idle_t failer_{};  // runs failures_ on the next loop turn
    std::vector<std::pair<Done, std::string>> failures_;
    int open_handles_ = 0;  // own timers and the connections' poll handles
    bool failer_closing_ = false;
    std::function<void()> closed_;
};

}  // namespace natter::net
