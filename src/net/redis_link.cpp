#include "src/net/redis_link.hpp"

#include <fcntl.h>
#include <strings.h>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <array>
#include <cassert>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "src/net/redis_uv_adapter.hpp"

namespace natter::net {
namespace {

constexpr std::chrono::milliseconds first_backoff{250};
constexpr std::chrono::milliseconds longest_backoff{5000};
// Messages held while the set is being subscribed again; beyond this the
// cluster's gap detection has to fill in.
constexpr std::size_t max_held_messages = 100000;

RedisValue to_value(const redisReply& reply) {
    RedisValue value;
    switch (reply.type) {
    case REDIS_REPLY_STRING:
        value.kind = RedisValue::Kind::string;
        value.text.assign(reply.str, reply.len);
        break;
    case REDIS_REPLY_STATUS:
        value.kind = RedisValue::Kind::status;
        value.text.assign(reply.str, reply.len);
        break;
    case REDIS_REPLY_ERROR:
        value.kind = RedisValue::Kind::error;
        value.text.assign(reply.str, reply.len);
        break;
    case REDIS_REPLY_INTEGER:
        value.kind = RedisValue::Kind::integer;
        value.integer = reply.integer;
        break;
    case REDIS_REPLY_ARRAY:
        value.kind = RedisValue::Kind::array;
        value.elements.reserve(reply.elements);
        for (std::size_t i = 0; i < reply.elements; ++i) value.elements.push_back(to_value(*reply.element[i]));
        break;
    default:
        value.kind = RedisValue::Kind::nil;
        break;
    }
    return value;
}

std::string_view text_of(const redisReply& reply) { return {reply.str, reply.len}; }

// Commands that would turn the command connection into a subscriber (or a
// monitor): hiredis 0.14 aborts on the replies that follow.
bool changes_connection_mode(const std::string& name) {
    static constexpr std::array<const char*, 7> names{"subscribe", "psubscribe", "ssubscribe", "unsubscribe",
                                                      "punsubscribe", "sunsubscribe", "monitor"};
    return std::any_of(names.begin(), names.end(),
                       [&](const char* n) { return ::strcasecmp(n, name.c_str()) == 0; });
}

int send_argv(redisAsyncContext* context, redisCallbackFn* callback, void* data,
              const std::vector<std::string_view>& argv) {
    std::vector<const char*> pointers;
    std::vector<std::size_t> lengths;
    pointers.reserve(argv.size());
    lengths.reserve(argv.size());
    for (const auto& a : argv) {
        pointers.push_back(a.data());
        lengths.push_back(a.size());
    }
    return redisAsyncCommandArgv(context, callback, data, static_cast<int>(argv.size()), pointers.data(),
                                 lengths.data());
}

std::string context_error(const redisAsyncContext* context, const char* fallback) {
    if (context != nullptr && context->c.err != 0 && context->c.errstr[0] != '\0') return context->c.errstr;
    return fallback;
}

}  // namespace

RedisLink::RedisLink(uv_loop_t* loop, RedisAddress address, std::chrono::milliseconds ping_interval)
    : loop_{loop}, address_{std::move(address)}, ping_interval_{ping_interval}, backoff_{first_backoff} {
    commands_.link = this;
    commands_.name = "command";
    subscriber_.link = this;
    subscriber_.name = "subscriber";
    uv_timer_init(loop_, &watchdog_);
    uv_timer_init(loop_, &retry_);
    uv_idle_init(loop_, &failer_);
    watchdog_.data = this;
    retry_.data = this;
    failer_.data = this;
    open_handles_ = 2;  // the timers; the idle handle is closed last, on its own
}

RedisLink::~RedisLink() {
    // The handles are the loop's until their close callbacks ran.
    assert(state_ == State::closed);
}

void RedisLink::start() {
    if (state_ != State::idle) return;
    const auto interval = static_cast<std::uint64_t>(std::max<std::int64_t>(1, ping_interval_.count()));
    uv_timer_start(&watchdog_, [](uv_timer_t* t) { static_cast<RedisLink*>(t->data)->watchdog_tick(); },
                   interval, interval);
    connect_both();
}

void RedisLink::connect_both() {
    state_ = State::connecting;
    confirmations_due_ = 0;
    held_messages_.clear();
    if (!open(commands_)) return;
    // Answered once Redis really serves this connection, not just accepts it.
    send_ping();
    if (!open(subscriber_)) return;
    // One SUBSCRIBE with the probe and the whole set; up once all confirm.
    std::vector<std::string> channels{std::string{probe_channel}};
    channels.insert(channels.end(), subscriptions_.begin(), subscriptions_.end());
    send_subscribe(channels);
}

bool RedisLink::open(Connection& connection) {
    connection.unanswered = 0;
    connection.answered = false;
    connection.dropped_because.clear();
    redisAsyncContext* context = address_.kind == RedisAddress::Kind::unix_socket
                                     ? redisAsyncConnectUnix(address_.path.c_str())
                                     : redisAsyncConnect(address_.host.c_str(), address_.port);
    if (context == nullptr) {
        drop(fmt::format("redis {} connection: out of memory", connection.name));
        return false;
    }
    if (context->err != 0) {
        const std::string reason = fmt::format("cannot connect to redis at {}: {}", address_.text(), context->errstr);
        redisAsyncFree(context);
        drop(reason);
        return false;
    }
    // natterd re-executes itself on a hot restart; the new image must not
    // inherit these sockets.
    if (const int flags = ::fcntl(context->c.fd, F_GETFD); flags >= 0) {
        ::fcntl(context->c.fd, F_SETFD, flags | FD_CLOEXEC);
    }
    if (!attach_redis_to_uv(context, loop_, on_adapter_closed, this)) {
        redisAsyncFree(context);
        drop(fmt::format("redis {} connection: cannot poll its socket", connection.name));
        return false;
    }
    ++open_handles_;
    context->data = &connection;
    connection.context = context;
    // After the attach: setting the connect callback asks for a write event.
    redisAsyncSetConnectCallback(context, on_connect);
    redisAsyncSetDisconnectCallback(context, on_disconnect);
    return true;
}

void RedisLink::let_go(Connection& connection, const std::string& reason) {
    redisAsyncContext* context = connection.context;
    if (context == nullptr) return;
    // First forget it, so that the callbacks hiredis runs from the free
    // (commands failing, the disconnect) know it is on its way out.
    connection.context = nullptr;
    connection.dropped_because = reason;
    // Frees now, or (inside one of this context's reply callbacks) as soon
    // as that returns; either way every pending callback runs with no reply.
    redisAsyncFree(context);
}

void RedisLink::drop(const std::string& reason) {
    if (state_ != State::connecting && state_ != State::up) return;
    const bool was_up = state_ == State::up;
    state_ = State::waiting;
    last_error_ = reason;
    held_messages_.clear();
    let_go(commands_, reason);
    let_go(subscriber_, reason);
    if (state_ != State::waiting) return;  // closed from a failing command's callback
    if (was_up) {
        spdlog::warn("redis link down: {}", reason);
    } else {
        spdlog::debug("redis link: {}; next attempt in {} ms", reason, backoff_.count());
    }
    uv_timer_start(&retry_,
                   [](uv_timer_t* t) {
                       auto* self = static_cast<RedisLink*>(t->data);
                       if (self->state_ == State::waiting) self->connect_both();
                   },
                   static_cast<std::uint64_t>(backoff_.count()), 0);
    backoff_ = std::min(longest_backoff, backoff_ * 3 / 2);
    if (was_up && listener_ != nullptr) listener_->link_down();
}

void RedisLink::maybe_up() {
    if (state_ != State::connecting) return;
    if (commands_.context == nullptr || !commands_.answered) return;
    if (subscriber_.context == nullptr || confirmations_due_ != 0) return;
    state_ = State::up;
    backoff_ = first_backoff;
    spdlog::info("redis link up: {}, {} channels", address_.text(), subscriptions_.size());
    if (listener_ != nullptr) listener_->link_up();
    auto held = std::move(held_messages_);
    held_messages_.clear();
    for (const auto& [channel, payload] : held) {
        if (state_ != State::up) break;
        deliver(channel, payload);
    }
}

void RedisLink::watchdog_tick() {
    if (state_ != State::connecting && state_ != State::up) return;
    for (Connection* connection : {&commands_, &subscriber_}) {
        if (connection->unanswered >= max_unanswered) {
            drop(fmt::format("redis {} connection: no answer for {} ms", connection->name,
                             ping_interval_.count() * max_unanswered));
            return;
        }
    }
    if (commands_.context != nullptr) send_ping();
    if (subscriber_.context != nullptr) send_subscribe({std::string{probe_channel}});
    ++commands_.unanswered;
    ++subscriber_.unanswered;
}

void RedisLink::send_ping() {
    if (send_argv(commands_.context, on_command_reply, &commands_, {"PING"}) == REDIS_OK) {
        commands_.in_flight.emplace_back([](Reply) {});
    }
}

void RedisLink::send_subscribe(const std::vector<std::string>& channels) {
    std::vector<std::string_view> argv{"SUBSCRIBE"};
    argv.insert(argv.end(), channels.begin(), channels.end());
    if (send_argv(subscriber_.context, on_subscriber_reply, &subscriber_, argv) == REDIS_OK) {
        confirmations_due_ += channels.size();
    }
}

void RedisLink::on_connect(const redisAsyncContext* context, int status) {
    auto* connection = static_cast<Connection*>(context->data);
    if (connection == nullptr || connection->context != context) return;
    if (status == REDIS_OK) {
        connection->unanswered = 0;
        return;
    }
    // hiredis frees the context when this returns.
    connection->context = nullptr;
    connection->link->drop(fmt::format("cannot connect to redis at {}: {}", connection->link->address_.text(),
                                       context_error(context, "connect failed")));
}

void RedisLink::on_disconnect(const redisAsyncContext* context, int /*status*/) {
    auto* connection = static_cast<Connection*>(context->data);
    if (connection == nullptr || connection->context != context) return;  // the link let it go
    // hiredis frees the context when this returns.
    connection->context = nullptr;
    connection->link->drop(fmt::format("redis {} connection lost: {}", connection->name,
                                       context_error(context, "closed")));
}

void RedisLink::on_command_reply(redisAsyncContext* context, void* reply, void* data) {
    auto* connection = static_cast<Connection*>(data);
    if (connection->in_flight.empty()) return;
    Done done = std::move(connection->in_flight.front());
    connection->in_flight.pop_front();
    if (reply == nullptr) {
        done(tl::unexpected(connection->context == context
                                ? fmt::format("redis connection lost: {}", context_error(context, "closed"))
                                : connection->dropped_because));
        return;
    }
    connection->unanswered = 0;
    const bool first = !connection->answered;
    connection->answered = true;
    done(to_value(*static_cast<const redisReply*>(reply)));
    if (first && connection->context == context) connection->link->maybe_up();
}

void RedisLink::on_subscriber_reply(redisAsyncContext* context, void* reply, void* data) {
    auto* connection = static_cast<Connection*>(data);
    if (reply == nullptr || connection->context != context) return;
    connection->unanswered = 0;
    connection->answered = true;
    const auto& r = *static_cast<const redisReply*>(reply);
    // Read the reply itself, never which callback hiredis chose: 0.14 can
    // hand a reply for one channel to another channel's callback.
    if (r.type != REDIS_REPLY_ARRAY || r.elements < 3) return;
    const redisReply& kind = *r.element[0];
    const redisReply& channel = *r.element[1];
    if (kind.type != REDIS_REPLY_STRING || channel.type != REDIS_REPLY_STRING) return;
    RedisLink* link = connection->link;
    if (text_of(kind) == "message" && r.element[2]->type == REDIS_REPLY_STRING) {
        link->deliver(text_of(channel), text_of(*r.element[2]));
    } else if (text_of(kind) == "subscribe") {
        if (link->confirmations_due_ > 0) --link->confirmations_due_;
        link->maybe_up();
    }
}

void RedisLink::deliver(std::string_view channel, std::string_view payload) {
    if (!subscriptions_.contains(std::string{channel})) return;  // unsubscribed meanwhile
    if (state_ == State::up) {
        if (listener_ != nullptr) listener_->message(channel, payload);
    } else if (state_ == State::connecting && held_messages_.size() < max_held_messages) {
        held_messages_.emplace_back(channel, payload);
    }
}

void RedisLink::command(const std::vector<std::string>& argv, Done done) {
    if (argv.empty()) return fail_later(std::move(done), "empty redis command");
    if (changes_connection_mode(argv.front())) {
        return fail_later(std::move(done), argv.front() + " is not a command for the command connection");
    }
    if (state_ != State::up || commands_.context == nullptr) {
        return fail_later(std::move(done), last_error_.empty() ? "redis link is down"
                                                                : "redis link is down: " + last_error_);
    }
    const std::vector<std::string_view> views(argv.begin(), argv.end());
    if (send_argv(commands_.context, on_command_reply, &commands_, views) != REDIS_OK) {
        return fail_later(std::move(done), "redis link is down");
    }
    commands_.in_flight.push_back(std::move(done));
}

void RedisLink::subscribe(const std::string& channel) {
    if (!subscriptions_.insert(channel).second) return;
    // While connecting, the subscriber sends at once too: its first SUBSCRIBE
    // is already out, and up waits for this confirmation as well.
    if (subscriber_.context != nullptr && (state_ == State::up || state_ == State::connecting)) {
        send_subscribe({channel});
    }
}

void RedisLink::unsubscribe(const std::string& channel) {
    if (subscriptions_.erase(channel) == 0) return;
    if (channel == probe_channel) return;  // the watchdog's; stays subscribed
    if (subscriber_.context != nullptr && (state_ == State::up || state_ == State::connecting)) {
        // hiredis keeps no callback for UNSUBSCRIBE: its replies go to the
        // channel's subscribe callback.
        send_argv(subscriber_.context, nullptr, nullptr, {"UNSUBSCRIBE", channel});
    }
}

void RedisLink::fail_later(Done done, std::string reason) {
    failures_.emplace_back(std::move(done), std::move(reason));
    if (!failer_closing_) {
        uv_idle_start(&failer_, [](uv_idle_t* idle) { static_cast<RedisLink*>(idle->data)->run_failures(); });
    }
}

void RedisLink::run_failures() {
    // Only those queued before this turn: a callback that sends again while
    // the link is down hears back on the next turn, not in a loop here.
    auto batch = std::move(failures_);
    failures_.clear();
    for (auto& [done, reason] : batch) done(tl::unexpected(std::move(reason)));
    if (failures_.empty()) {
        uv_idle_stop(&failer_);
        if (state_ == State::closing) finish_close();
    }
}

void RedisLink::close(std::function<void()> closed) {
    if (state_ == State::closing || state_ == State::closed) return;
    closed_ = std::move(closed);
    state_ = State::closing;
    held_messages_.clear();
    uv_timer_stop(&watchdog_);
    uv_timer_stop(&retry_);
    let_go(commands_, "redis link closed");
    let_go(subscriber_, "redis link closed");
    for (uv_timer_t* timer : {&watchdog_, &retry_}) {
        uv_close(reinterpret_cast<uv_handle_t*>(timer),
                 [](uv_handle_t* h) { static_cast<RedisLink*>(h->data)->handle_closed(); });
    }
}

void RedisLink::on_adapter_closed(void* data) { static_cast<RedisLink*>(data)->handle_closed(); }

void RedisLink::handle_closed() {
    --open_handles_;
    finish_close();
}

void RedisLink::finish_close() {
    // The idle handle goes last: commands refused while closing still need
    // it to hear back.
    if (state_ != State::closing || open_handles_ != 0 || !failures_.empty() || failer_closing_) return;
    failer_closing_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&failer_), [](uv_handle_t* h) {
        auto* self = static_cast<RedisLink*>(h->data);
        self->state_ = State::closed;
        auto closed = std::move(self->closed_);
        if (closed) closed();  // may destroy the link
    });
}

}  // namespace natter::net
