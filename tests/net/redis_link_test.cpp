// RedisLink against a real redis-server (tests/support/redis_server.hpp):
// replies of every kind, channels between two links, Redis dying, stalling
// and dropping the subscriber, no Redis at start, pipelined order, close()
// with commands in flight, and a tcp:// address. Every loop is bounded.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <uv.h>

#include "src/net/redis_link.hpp"
#include "src/redis_address.hpp"
#include "tests/support/redis_server.hpp"

namespace natter::net {
namespace {

using Clock = std::chrono::steady_clock;
using test::Millis;
using test::RedisServer;
using Reply = ClusterLink::Reply;

constexpr std::chrono::milliseconds ping{300};
constexpr Millis wait_up{5000};
// Three unanswered intervals, one more tick to notice, and slack for a
// loaded machine; still well inside CLIENT PAUSE's 3 s.
constexpr Millis wait_down{2500};

// A loop that a test runs in bounded steps; a repeating timer keeps each
// step from blocking for long.
class Loop {
public:
    Loop() {
        // As in natterd: a write to a socket the peer reset fails with
        // EPIPE instead of ending the process.
        std::signal(SIGPIPE, SIG_IGN);
        uv_loop_init(&loop_);
        uv_timer_init(&loop_, &tick_);
        uv_timer_start(&tick_, [](uv_timer_t*) {}, 5, 5);
    }
    ~Loop() {
        uv_close(reinterpret_cast<uv_handle_t*>(&tick_), nullptr);
        for (int i = 0; i < 1000 && uv_loop_close(&loop_) == UV_EBUSY; ++i) uv_run(&loop_, UV_RUN_NOWAIT);
    }
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    uv_loop_t* get() { return &loop_; }

    // Runs the loop until `done` holds; false if `timeout` passed first.
    bool run_until(const std::function<bool()>& done, Millis timeout) {
        const auto deadline = Clock::now() + timeout;
        while (!done()) {
            if (Clock::now() >= deadline) return false;
            uv_run(&loop_, UV_RUN_ONCE);
        }
        return true;
    }
    void run_for(Millis time) {
        run_until([] { return false; }, time);
    }

private:
    uv_loop_t loop_{};
    uv_timer_t tick_{};
};

struct Recorder final : ClusterLink::Listener {
    void link_up() override {
        ++ups;
        events.push_back("up");
        if (on_up) on_up();
    }
    void link_down() override {
        ++downs;
        events.push_back("down");
    }
    void message(std::string_view channel, std::string_view payload) override {
        messages.emplace_back(channel, payload);
        if (on_message) on_message(channel, payload);
    }
    bool got(std::string_view channel, std::string_view payload) const {
        for (const auto& [c, p] : messages) {
            if (c == channel && p == payload) return true;
        }
        return false;
    }

    int ups = 0;
    int downs = 0;
    std::vector<std::string> events;
    std::vector<std::pair<std::string, std::string>> messages;
    std::function<void()> on_up;
    std::function<void(std::string_view, std::string_view)> on_message;
};

RedisAddress address_of(const std::string& text) {
    auto parsed = parse_redis_address(text);
    REQUIRE(parsed);
    return *parsed;
}

// A started link with its recorder; closed (and the loop run until it is)
// when the test leaves.
class TestLink {
public:
    TestLink(Loop& loop, const std::string& address, Millis interval = ping)
        : loop_{loop}, link_{std::make_unique<RedisLink>(loop.get(), address_of(address), interval)} {
        link_->set_listener(&recorder);
    }
    ~TestLink() { close(); }
    TestLink(const TestLink&) = delete;
    TestLink& operator=(const TestLink&) = delete;

    RedisLink& operator*() { return *link_; }
    RedisLink* operator->() { return link_.get(); }

    bool wait_ups(int count, Millis timeout = wait_up) {
        return loop_.run_until([&] { return recorder.ups >= count && link_->up(); }, timeout);
    }
    bool wait_downs(int count, Millis timeout = wait_down) {
        return loop_.run_until([&] { return recorder.downs >= count; }, timeout);
    }
    bool wait_message(std::string_view channel, std::string_view payload, Millis timeout = Millis{3000}) {
        return loop_.run_until([&] { return recorder.got(channel, payload); }, timeout);
    }

    // Sends one command and runs the loop until it is answered.
    Reply call(std::vector<std::string> argv) {
        std::optional<Reply> reply;
        link_->command(std::move(argv), [&](Reply r) { reply = std::move(r); });
        if (!loop_.run_until([&] { return reply.has_value(); }, Millis{3000})) return tl::unexpected(std::string{"no answer"});
        return *reply;
    }

    void close() {
        if (!link_) return;
        bool closed = false;
        link_->close([&] { closed = true; });
        CHECK(loop_.run_until([&] { return closed; }, Millis{3000}));
        link_.reset();
    }
    // After the test closed the link itself and saw `closed` run.
    void forget() { link_.reset(); }

    Recorder recorder;

private:
    Loop& loop_;
    std::unique_ptr<RedisLink> link_;
};

RedisValue value_of(const Reply& reply) {
    REQUIRE_MESSAGE(reply.has_value(), (reply ? "" : reply.error()));
    return *reply;
}

// Descriptors above stderr without FD_CLOEXEC.
std::set<int> inheritable_fds() {
    std::set<int> fds;
    for (const auto& entry : std::filesystem::directory_iterator{"/proc/self/fd"}) {
        const int fd = std::stoi(entry.path().filename().string());
        const int flags = ::fcntl(fd, F_GETFD);
        if (fd > 2 && flags >= 0 && (flags & FD_CLOEXEC) == 0) fds.insert(fd);
    }
    return fds;
}

}  // namespace

TEST_CASE("RedisLink: every reply kind converts with binary-safe strings") {
    RedisServer redis;
    Loop loop;
    TestLink link{loop, redis.address()};
    CHECK_FALSE(link->up());
    link->start();
    REQUIRE(link.wait_ups(1));
    CHECK(link.recorder.events == std::vector<std::string>{"up"});

    const RedisValue ok = value_of(link.call({"SET", "k", "v"}));
    CHECK(ok.kind == RedisValue::Kind::status);
    CHECK(ok.text == "OK");

    const std::string binary{"a\0b\r\n\xff", 6};
    CHECK(value_of(link.call({"SET", std::string{"bin\0key", 7}, binary})).text == "OK");
    const RedisValue got = value_of(link.call({"GET", std::string{"bin\0key", 7}}));
    CHECK(got.kind == RedisValue::Kind::string);
    CHECK(got.text == binary);

    const RedisValue empty = value_of(link.call({"SET", "e", ""}));
    CHECK(empty.text == "OK");
    CHECK(value_of(link.call({"GET", "e"})).kind == RedisValue::Kind::string);
    CHECK(value_of(link.call({"GET", "e"})).text.empty());
    CHECK(value_of(link.call({"GET", "missing"})).kind == RedisValue::Kind::nil);

    const RedisValue number = value_of(link.call({"INCRBY", "n", "-9000000000"}));
    CHECK(number.kind == RedisValue::Kind::integer);
    CHECK(number.integer == -9000000000LL);

    const RedisValue wrong = value_of(link.call({"INCR", "k"}));
    CHECK(wrong.kind == RedisValue::Kind::error);
    CHECK(wrong.is_error());
    CHECK(wrong.text.starts_with("ERR"));
    CHECK(value_of(link.call({"NOSUCHCOMMAND"})).is_error());

    // Lua: {1, "a\0z", {2, {"deep"}, false}} — false arrives as nil.
    const RedisValue nested = value_of(
        link.call({"EVAL", "return {1, ARGV[1], {2, {'deep'}, false}}", "0", std::string{"a\0z", 3}}));
    REQUIRE(nested.kind == RedisValue::Kind::array);
    REQUIRE(nested.elements.size() == 3);
    CHECK(nested.elements[0].kind == RedisValue::Kind::integer);
    CHECK(nested.elements[0].integer == 1);
    CHECK(nested.elements[1].text == std::string{"a\0z", 3});
    const RedisValue& inner = nested.elements[2];
    REQUIRE(inner.kind == RedisValue::Kind::array);
    REQUIRE(inner.elements.size() == 3);
    CHECK(inner.elements[0].integer == 2);
    REQUIRE(inner.elements[1].kind == RedisValue::Kind::array);
    REQUIRE(inner.elements[1].elements.size() == 1);
    CHECK(inner.elements[1].elements[0].text == "deep");
    CHECK(inner.elements[2].kind == RedisValue::Kind::nil);

    const RedisValue none = value_of(link.call({"LRANGE", "nolist", "0", "-1"}));
    CHECK(none.kind == RedisValue::Kind::array);
    CHECK(none.elements.empty());
    CHECK(link.recorder.downs == 0);
}

TEST_CASE("RedisLink: refused commands fail on a later loop turn and never inside the call") {
    RedisServer redis;
    Loop loop;
    TestLink link{loop, redis.address()};

    // Not started: down.
    std::vector<std::string> failures;
    bool returned = false;
    link->command({"PING"}, [&](Reply r) {
        CHECK(returned);
        REQUIRE_FALSE(r.has_value());
        failures.push_back(r.error());
    });
    returned = true;
    CHECK(failures.empty());
    REQUIRE(loop.run_until([&] { return failures.size() == 1; }, Millis{1000}));
    CHECK(failures[0].find("down") != std::string::npos);

    link->start();
    REQUIRE(link.wait_ups(1));
    // Up, but these would break the command connection.
    for (const char* name : {"SUBSCRIBE", "psubscribe", "Monitor", "UNSUBSCRIBE"}) {
        const Reply r = link.call({name, "x"});
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().find("not a command") != std::string::npos);
    }
    const Reply empty = link.call({});
    REQUIRE_FALSE(empty.has_value());
    CHECK(value_of(link.call({"PING"})).text == "PONG");
}

TEST_CASE("RedisLink: a message published on one link reaches a subscriber on another") {
    RedisServer redis;
    Loop loop;
    TestLink listener{loop, redis.address()};
    TestLink speaker{loop, redis.address()};
    listener->subscribe("room:lobby");  // before start: only the set
    listener->subscribe("room:lobby");  // idempotent
    listener->start();
    speaker->start();
    REQUIRE(listener.wait_ups(1));
    REQUIRE(speaker.wait_ups(1));

    const std::string payload{"7|n1|say|Ann|hi\0there", 21};
    CHECK(value_of(speaker.call({"PUBLISH", "room:lobby", payload})).integer == 1);
    REQUIRE(listener.wait_message("room:lobby", payload));

    // Subscribed while up: sent at once.
    listener->subscribe("room:attic");
    REQUIRE(loop.run_until(
        [&] { return value_of(speaker.call({"PUBSUB", "NUMSUB", "room:attic"})).elements.at(1).integer == 1; },
        Millis{3000}));
    CHECK(value_of(speaker.call({"PUBLISH", "room:attic", "up here"})).integer == 1);
    REQUIRE(listener.wait_message("room:attic", "up here"));

    // Unsubscribed: nothing more from that channel, the other still works.
    listener->unsubscribe("room:lobby");
    listener->unsubscribe("room:lobby");
    speaker.call({"PUBLISH", "room:lobby", "too late"});
    speaker.call({"PUBLISH", "room:attic", "marker"});
    REQUIRE(listener.wait_message("room:attic", "marker"));
    CHECK_FALSE(listener.recorder.got("room:lobby", "too late"));
    REQUIRE(loop.run_until(
        [&] { return value_of(speaker.call({"PUBSUB", "NUMSUB", "room:lobby"})).elements.at(1).integer == 0; },
        Millis{3000}));
    // The watchdog's probe channel is not a message for the listener.
    speaker.call({"PUBLISH", std::string{RedisLink::probe_channel}, "probe"});
    speaker.call({"PUBLISH", "room:attic", "marker2"});
    REQUIRE(listener.wait_message("room:attic", "marker2"));
    for (const auto& [channel, text] : listener.recorder.messages) CHECK(channel != RedisLink::probe_channel);
    CHECK(speaker.recorder.messages.empty());
}

TEST_CASE("RedisLink: Redis killed and restarted means down then up with the subscriptions back") {
    RedisServer redis;
    Loop loop;
    TestLink link{loop, redis.address()};
    link->subscribe("room:a");
    link->subscribe("room:b");
    link->start();
    REQUIRE(link.wait_ups(1));

    std::optional<Reply> in_flight;
    link->command({"BLPOP", "never", "0"}, [&](Reply r) { in_flight = std::move(r); });
    loop.run_for(Millis{50});
    redis.kill9();
    REQUIRE(link.wait_downs(1));
    // The blocked command failed, before link_down.
    REQUIRE(in_flight.has_value());
    CHECK_FALSE(in_flight->has_value());
    CHECK_FALSE(link->up());
    const Reply refused = link.call({"PING"});
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().find("down") != std::string::npos);
    // Changed while down: only the set changes, sent on the next connect.
    link->unsubscribe("room:b");
    link->subscribe("room:c");

    loop.run_for(Millis{400});  // a failed attempt or two
    CHECK(link.recorder.ups == 1);
    CHECK(link.recorder.downs == 1);
    redis.restart();
    REQUIRE(link.wait_ups(2, Millis{8000}));
    CHECK(link.recorder.events == std::vector<std::string>{"up", "down", "up"});

    const test::RunResult numsub = redis.cli({"PUBSUB", "NUMSUB", "room:a", "room:b", "room:c"});
    CHECK(numsub.out == "room:a\n1\nroom:b\n0\nroom:c\n1\n");
    CHECK(redis.cli({"PUBLISH", "room:a", "after restart"}).out == "1\n");
    REQUIRE(link.wait_message("room:a", "after restart"));
    CHECK(value_of(link.call({"PING"})).text == "PONG");
}

TEST_CASE("RedisLink: a stalled Redis (CLIENT PAUSE) is noticed by the watchdog") {
    RedisServer redis;
    Loop loop;
    TestLink link{loop, redis.address()};
    link->subscribe("room:a");
    link->start();
    REQUIRE(link.wait_ups(1));

    const auto paused_at = Clock::now();
    REQUIRE(redis.cli({"CLIENT", "PAUSE", "3000"}).out == "OK\n");
    REQUIRE(link.wait_downs(1, Millis{2700}));
    const auto down_after = std::chrono::duration_cast<Millis>(Clock::now() - paused_at);
    MESSAGE("down " << down_after.count() << " ms after the pause (ping " << ping.count() << " ms)");
    CHECK(link->last_error().find("no answer") != std::string::npos);
    // Back once the pause is over (3 s) and a reconnect attempt comes.
    REQUIRE(link.wait_ups(2, Millis{10000}));
    CHECK(redis.cli({"PUBLISH", "room:a", "after pause"}).out == "1\n");
    REQUIRE(link.wait_message("room:a", "after pause"));
}

TEST_CASE("RedisLink: the subscriber killed by CLIENT KILL TYPE pubsub recovers") {
    RedisServer redis;
    Loop loop;
    TestLink link{loop, redis.address()};
    link->subscribe("room:a");
    link->start();
    REQUIRE(link.wait_ups(1));
    CHECK(redis.cli({"PUBLISH", "room:a", "before"}).out == "1\n");
    REQUIRE(link.wait_message("room:a", "before"));

    CHECK(redis.cli({"CLIENT", "KILL", "TYPE", "pubsub"}).out == "1\n");
    REQUIRE(link.wait_downs(1));
    CHECK(link->last_error().find("subscriber") != std::string::npos);
    REQUIRE(link.wait_ups(2));
    CHECK(redis.cli({"PUBLISH", "room:a", "again"}).out == "1\n");
    REQUIRE(link.wait_message("room:a", "again"));
}

TEST_CASE("RedisLink: with no Redis at start it stays down and comes up when Redis starts") {
    RedisServer redis;
    redis.kill9();
    Loop loop;
    TestLink link{loop, redis.address()};
    link->subscribe("room:a");
    link->start();
    loop.run_for(Millis{700});
    CHECK_FALSE(link->up());
    CHECK(link.recorder.events.empty());
    CHECK(link->last_error().find("cannot connect") != std::string::npos);
    const Reply refused = link.call({"PING"});
    REQUIRE_FALSE(refused.has_value());

    redis.restart();
    REQUIRE(link.wait_ups(1, Millis{8000}));
    CHECK(link.recorder.events == std::vector<std::string>{"up"});
    CHECK(redis.cli({"PUBLISH", "room:a", "hello"}).out == "1\n");
    REQUIRE(link.wait_message("room:a", "hello"));
}

TEST_CASE("RedisLink: 2000 pipelined commands are answered in order") {
    RedisServer redis;
    Loop loop;
    TestLink link{loop, redis.address()};
    link->start();
    REQUIRE(link.wait_ups(1));
    constexpr int count = 2000;
    std::vector<std::int64_t> answers;
    answers.reserve(count);
    int failed = 0;
    for (int i = 0; i < count; ++i) {
        link->command({"RPUSH", "order", std::to_string(i)}, [&](Reply r) {
            if (r && r->kind == RedisValue::Kind::integer) {
                answers.push_back(r->integer);
            } else {
                ++failed;
            }
        });
    }
    REQUIRE(loop.run_until([&] { return answers.size() + static_cast<std::size_t>(failed) == count; },
                           Millis{10000}));
    CHECK(failed == 0);
    bool in_order = true;
    for (int i = 0; i < count; ++i) in_order = in_order && answers[static_cast<std::size_t>(i)] == i + 1;
    CHECK(in_order);
    const RedisValue list = value_of(link.call({"LRANGE", "order", "0", "-1"}));
    REQUIRE(list.elements.size() == count);
    CHECK(list.elements.front().text == "0");
    CHECK(list.elements.back().text == "1999");
}

TEST_CASE("RedisLink: close with commands in flight fails them and frees everything") {
    RedisServer redis;
    Loop loop;
    TestLink link{loop, redis.address()};
    link->start();
    REQUIRE(link.wait_ups(1));

    int failed = 0;
    int answered = 0;
    int resent = 0;
    std::vector<std::string> again;  // replies to commands sent from a failing callback
    for (int i = 0; i < 500; ++i) {
        link->command({"INCR", "c"}, [&](Reply r) {
            if (r) {
                ++answered;
                return;
            }
            ++failed;
            if (resent < 3) {
                ++resent;
                link->command({"PING"}, [&](Reply again_reply) {
                    again.push_back(again_reply ? "answered" : again_reply.error());
                });
            }
        });
    }
    link->command({"BLPOP", "never", "0"}, [&](Reply r) { failed += r ? 0 : 1; });
    bool closed = false;
    link->close([&] { closed = true; });
    // Nothing was even written yet: every command failed, right in close().
    CHECK(failed == 501);
    CHECK(answered == 0);
    CHECK_FALSE(closed);
    CHECK(link.recorder.downs == 0);  // close() is no link_down
    REQUIRE(loop.run_until([&] { return closed; }, Millis{3000}));
    link.forget();
    REQUIRE(again.size() == 3);
    for (const auto& e : again) CHECK(e.find("down") != std::string::npos);
    // Every handle is gone: the loop has nothing left but its own timer.
    int handles = 0;
    uv_walk(loop.get(), [](uv_handle_t*, void* count) { ++*static_cast<int*>(count); }, &handles);
    CHECK(handles == 1);
}

TEST_CASE("RedisLink: the listener may close or send from inside its callbacks") {
    RedisServer redis;
    Loop loop;
    TestLink speaker{loop, redis.address()};
    speaker->start();
    REQUIRE(speaker.wait_ups(1));

    TestLink link{loop, redis.address()};
    std::optional<Reply> from_up;
    link.recorder.on_up = [&] {
        link->subscribe("room:x");
        link->command({"SET", "from-up", "1"}, [&](Reply r) { from_up = std::move(r); });
    };
    bool closed = false;
    std::optional<Reply> from_message;
    link.recorder.on_message = [&](std::string_view, std::string_view payload) {
        if (payload == "bye" && !from_message) {
            link->command({"PING"}, [&](Reply r) { from_message = std::move(r); });
            link->unsubscribe("room:x");
            link->close([&] { closed = true; });
        }
    };
    link->start();
    REQUIRE(loop.run_until([&] { return from_up.has_value(); }, wait_up));
    CHECK(value_of(*from_up).text == "OK");
    REQUIRE(loop.run_until(
        [&] { return value_of(speaker.call({"PUBLISH", "room:x", "bye"})).integer == 1; }, Millis{3000}));
    REQUIRE(loop.run_until([&] { return closed; }, Millis{3000}));
    link.forget();
    REQUIRE(from_message.has_value());
    CHECK_FALSE(from_message->has_value());  // in flight when the link closed
}

TEST_CASE("RedisLink: a tcp address works and the sockets are not inherited") {
    RedisServer redis{test::RedisOptions{.tcp = true}};
    Loop loop;
    const std::set<int> before = inheritable_fds();
    TestLink link{loop, redis.tcp_address()};
    link->subscribe("room:t");
    link->start();
    REQUIRE(link.wait_ups(1));
    CHECK(value_of(link.call({"PING"})).text == "PONG");
    CHECK(redis.cli({"PUBLISH", "room:t", "over tcp"}).out == "1\n");
    REQUIRE(link.wait_message("room:t", "over tcp"));
    CHECK(inheritable_fds() == before);
}

TEST_CASE("RedisLink: a connection reset by the peer is noticed at once and not only by the watchdog") {
    // No Redis: a listener that accepts both connections, never answers,
    // then resets them (SO_LINGER 0). The reset arrives as a poll error,
    // which libuv reports once and then stops polling; the watchdog (10 s
    // here) must not be what notices it.
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    REQUIRE(listener >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    REQUIRE(::listen(listener, 8) == 0);
    const std::string target = "tcp://127.0.0.1:" + std::to_string(ntohs(address.sin_port));

    Loop loop;
    TestLink link{loop, target, Millis{10000}};
    link->start();
    std::vector<int> accepted;
    const bool both = loop.run_until(
        [&] {
            const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd >= 0) accepted.push_back(fd);
            return accepted.size() == 2;
        },
        Millis{3000});
    loop.run_for(Millis{100});  // PING and SUBSCRIBE written; both wait to read
    for (const int fd : accepted) {
        const linger reset{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        ::close(fd);
    }
    ::close(listener);
    REQUIRE(both);
    CHECK(loop.run_until([&] { return link->last_error().find("lost") != std::string::npos; }, Millis{3000}));
    MESSAGE(link->last_error());
    CHECK_FALSE(link->up());
    CHECK(link.recorder.events.empty());  // never up, so no link_down either
}

}  // namespace natter::net
