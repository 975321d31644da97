#include "src/net/server.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "src/cluster.hpp"
#include "src/log.hpp"
#include "src/metrics_scrape.hpp"
#include "src/net/connection.hpp"
#include "src/net/process_stats.hpp"
#include "src/redis_address.hpp"
#include "src/session.hpp"
#include "src/version.hpp"

namespace natter::net {
namespace {

constexpr int listen_backlog = 4096;
constexpr std::uint64_t shutdown_drain_ms = 3000;
constexpr const char* shutdown_notice = "*** Server shutting down. Goodbye.";

Result<sockaddr_storage> resolve_numeric(const std::string& host, std::uint16_t port) {
    // Numeric addresses only: no DNS lookup ever runs on the loop thread.
    sockaddr_storage address{};
    if (host.find(':') != std::string::npos) {
        if (uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&address)) == 0) return address;
    } else if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&address)) == 0) {
        return address;
    }
    return fail(fmt::format("[server] host \"{}\" is not a numeric IPv4 or IPv6 address", host));
}

}  // namespace

Server::Server(World& world, std::string config_path, ListenOverrides overrides)
    : world_{world}, config_path_{std::move(config_path)}, overrides_{std::move(overrides)} {}

Server::~Server() {
    world_.set_early_flush(nullptr, nullptr);
    if (loop_ready_) {
        close_own_handles();
        uv_run(&loop_, UV_RUN_DEFAULT);
        uv_loop_close(&loop_);
    }
    world_.set_background(nullptr);
}

Result<void> Server::start(const RestartState* restored) {
    if (const int status = uv_loop_init(&loop_); status != 0) {
        return fail(fmt::format("cannot start the event loop: {}", uv_strerror(status)));
    }
    loop_ready_ = true;
    loop_.data = this;
    loop_timer_.start(&loop_);
    world_.set_background(&background_);

    const auto& config = world_.config();
    if (auto loaded = load_tls(config); !loaded) return loaded;
    if (restored != nullptr) inherited_listeners_ = restored->listeners;
    // The classic port first, then the [[listeners]] tables.
    const std::string host = overrides_.host.value_or(config.server.host);
    if (auto opened = listen(host, overrides_.port.value_or(config.server.port), ListenerKind::telnet, false);
        !opened) {
        return opened;
    }
    for (const auto& listener : config.listeners) {
        if (auto opened = listen(listener.host.empty() ? host : listener.host, listener.port, listener.kind,
                                 listener.tls);
            !opened) {
            return opened;
        }
    }
    port_ = listeners_.front()->port;
    // Listeners the new configuration no longer has.
    for (const auto& saved : inherited_listeners_) {
        if (saved.fd >= 0) {
            spdlog::info("restart: closing the listener on {}:{}, no longer configured", saved.host, saved.port);
            ::close(saved.fd);
        }
    }
    inherited_listeners_.clear();
    // Where MUD crawlers and plain clients are pointed.
    std::vector<std::uint16_t> plain;
    std::vector<std::uint16_t> tls_telnet;
    std::vector<std::uint16_t> tls_web;
    for (const auto& listener : listeners_) {
        if (listener->kind == ListenerKind::web) {
            if (listener->tls) tls_web.push_back(listener->port);
        } else {
            (listener->tls ? tls_telnet : plain).push_back(listener->port);
        }
    }
    world_.set_telnet_ports(std::move(plain));
    world_.set_tls_ports(std::move(tls_telnet), std::move(tls_web));

    uv_prepare_init(&loop_, &prepare_);
    prepare_.data = this;
    uv_prepare_start(&prepare_, &Server::on_prepare);
    for (auto* signal : {&sigint_, &sigterm_, &sighup_, &sigusr2_}) {
        uv_signal_init(&loop_, signal);
        signal->data = this;
    }
    uv_signal_start(&sigusr2_, &Server::on_signal, SIGUSR2);
    uv_signal_start(&sigint_, &Server::on_signal, SIGINT);
    uv_signal_start(&sigterm_, &Server::on_signal, SIGTERM);
    uv_signal_start(&sighup_, &Server::on_signal, SIGHUP);
    uv_timer_init(&loop_, &drain_timer_);
    drain_timer_.data = this;
    uv_timer_init(&loop_, &tick_timer_);
    tick_timer_.data = this;
    uv_timer_start(&tick_timer_, &Server::on_tick, 1000, 1000);
    uv_timer_init(&loop_, &pacing_timer_);
    pacing_timer_.data = this;
    uv_timer_init(&loop_, &restart_timer_);
    restart_timer_.data = this;
    apply_read_chunk();

    start_sender();
    compute_descriptor_budget();  // after the rings: each holds a descriptor
    world_.set_early_flush([this](Session& session) { flush_early_one(*static_cast<Connection*>(session.link)); },
                           [this] { flush_early_all(); });
    for (std::size_t i = 1; i < listeners_.size(); ++i) {
        spdlog::info("{}{} listener on {}:{}", listener_kind_name(listeners_[i]->kind),
                     listeners_[i]->tls ? "+tls" : "", listeners_[i]->host, listeners_[i]->port);
    }
    if (tls_context_) spdlog::info("tls certificate: {}", tls_context_->description());
    if (auto joined = start_cluster(host); !joined) return joined;
    spdlog::info("{} listening on {}:{}", config.server.name, host, port_);
    if (restored != nullptr) restore_connections(*restored);
    flush_log();
    notifier_.ready(fmt::format("listening on {}:{}", host, port_));
    return {};
}

Result<void> Server::start_cluster(const std::string& host) {
    auto* cluster = world_.cluster();
    if (cluster == nullptr) return {};
    const auto& config = world_.config().cluster;
    auto address = parse_redis_address(config.redis);
    if (!address) return fail("[cluster] redis: " + address.error().message);
    if (address->kind == RedisAddress::Kind::tcp) {
        // hiredis 0.14 would look the name up, blocking, on every reconnect:
        // once here, at start, before the loop serves anyone.
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* found = nullptr;
        if (const int status = ::getaddrinfo(address->host.c_str(), nullptr, &hints, &found); status != 0) {
            return fail(fmt::format("[cluster] redis: cannot resolve {}: {}", address->host, gai_strerror(status)));
        }
        char numeric[INET6_ADDRSTRLEN] = {};
        if (found->ai_family == AF_INET6) {
            ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(found->ai_addr)->sin6_addr, numeric, sizeof numeric);
        } else {
            ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr, numeric, sizeof numeric);
        }
        ::freeaddrinfo(found);
        address->host = numeric;
    }
    const std::string node = config.node.empty() ? fmt::format("{}:{}", host, port_) : config.node;
    // The watchdog must notice a silent Redis well within a lease.
    const auto ping = std::chrono::milliseconds{std::min<std::uint32_t>(config.heartbeat_ms, 1000)};
    redis_link_ = std::make_unique<RedisLink>(&loop_, std::move(*address), ping);
    cluster->attach(*redis_link_, node);
    redis_link_->start();
    uv_timer_init(&loop_, &cluster_timer_);
    cluster_timer_.data = this;
    uv_timer_start(&cluster_timer_, &Server::on_cluster_timer, config.heartbeat_ms, config.heartbeat_ms);
    spdlog::info("cluster: node {} joining through {}", node, config.redis);
    return {};
}

void Server::on_cluster_timer(uv_timer_t* timer) noexcept {
    auto& self = *static_cast<Server*>(timer->data);
    if (auto* cluster = self.world_.cluster()) cluster->tick();
}

int Server::run() {
    uv_run(&loop_, UV_RUN_DEFAULT);
    flush_log();
    return 0;
}

Result<void> Server::load_tls(const Config& config) {
    auto context = TlsContext::for_config(config, config_path_);
    if (!context) return tl::unexpected{context.error()};
    if (*context) tls_context_ = std::move(*context);
    return {};
}

void Server::expire_handshakes() {
    if (tls_handshaking_.empty()) return;
    const auto timeout = std::chrono::seconds{world_.config().tls.handshake_timeout_s};
    const auto now = world_.now();
    // Done ones leave the list; late ones close (and leave it in forget()).
    std::vector<Connection*> late;
    std::erase_if(tls_handshaking_, [&](Connection* connection) {
        if (!connection->tls_handshaking()) return true;
        if (now - connection->tls_opened() >= timeout) late.push_back(connection);
        return false;
    });
    for (auto* connection : late) connection->handshake_timed_out();
}

Result<void> Server::listen(const std::string& host, std::uint16_t port, ListenerKind kind, bool tls) {
    auto& listener = *listeners_.emplace_back(std::make_unique<Listener>());
    listener.server = this;
    listener.kind = kind;
    listener.tls = tls;
    listener.host = host;
    listener.configured_port = port;
    listener.index = static_cast<std::uint8_t>(listeners_.size() - 1);
    uv_tcp_init(&loop_, &listener.handle);
    listener.handle.data = &listener;
    listener.open = true;
    return bind_listener(listener, port);
}

Result<void> Server::bind_listener(Listener& listener, std::uint16_t port) {
    const auto& host = listener.host;
    int status = UV_ENOENT;
    // The socket of the process before a hot restart, still listening: the
    // connections waiting in its backlog are accepted here.
    {
        for (auto& saved : inherited_listeners_) {
            if (saved.fd >= 0 && saved.kind == listener.kind && saved.tls == listener.tls && saved.host == host &&
                saved.configured_port == port) {
                status = uv_tcp_open(&listener.handle, saved.fd);
                if (status != 0) return fail(fmt::format("cannot take over the listener on {}:{}: {}", host, saved.port, uv_strerror(status)));
                saved.fd = -1;  // taken
                break;
            }
        }
    }
    if (status == UV_ENOENT) {
        auto address = resolve_numeric(host, port);
        if (!address) return tl::unexpected{address.error()};
        status = uv_tcp_bind(&listener.handle, reinterpret_cast<const sockaddr*>(&*address), 0);
    }
    if (status == 0) {
        status = uv_listen(reinterpret_cast<uv_stream_t*>(&listener.handle), listen_backlog, &Server::on_connection);
    }
    if (status != 0) return fail(fmt::format("cannot listen on {}:{}: {}", host, port, uv_strerror(status)));
    sockaddr_storage bound{};
    int length = sizeof bound;
    uv_tcp_getsockname(&listener.handle, reinterpret_cast<sockaddr*>(&bound), &length);
    listener.port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                      : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    return {};
}

void Server::close_listeners() {
    for (auto& listener : listeners_) {
        auto* handle = reinterpret_cast<uv_handle_t*>(&listener->handle);
        if (listener->open && !uv_is_closing(handle)) uv_close(handle, nullptr);
        listener->open = false;
    }
}

void Server::on_connection(uv_stream_t* stream, int status) noexcept {
    auto& listener = *static_cast<Listener*>(stream->data);
    auto& self = *listener.server;
    if (status == UV_EMFILE || status == UV_ENFILE) {
        // libuv has already accepted and closed the waiting connections with
        // its spare descriptor, so this does not spin.
        self.note_descriptor_pressure(true);
        return;
    }
    if (status < 0) {
        spdlog::warn("accept failed: {}", uv_strerror(status));
        return;
    }
    self.accept_one(listener);
}

void Server::accept_one(Listener& listener) {
    auto* connection = new Connection{*this, reinterpret_cast<uv_stream_t*>(&listener.handle), listener.kind,
                                      listener.tls ? tls_context_ : nullptr};
    ++connections_;
    if (!connection->accepted()) {
        connection->abort();
        return;
    }
    const auto slot = count_slot(connection->kind(), connection->is_tls());
    ++accepted_by_kind_[slot];
    ++open_by_kind_[slot];
    const auto& address = connection->address();
    ++per_address_[address];
    connection->set_listener(listener.index);
    if (draining_for_restart()) {
        // Started by the new process (or by this one if the restart fails).
        parked_.push_back(connection);
        return;
    }
    admit(*connection);
}

void Server::admit(Connection& admitted) {
    auto* connection = &admitted;
    const auto& address = connection->address();
    if (connection->is_web()) web_connections_.push_back(connection);
    if (connection->tls_handshaking()) tls_handshaking_.push_back(connection);
    const bool out_of_descriptors = connections_ > descriptor_budget_;
    note_descriptor_pressure(out_of_descriptors);
    if (const char* refusal = refusal_for(address, out_of_descriptors)) {
        connection->refuse(refusal, out_of_descriptors);
        return;
    }
    connection->start();
}

void Server::note_descriptor_pressure(bool refused) {
    if (refused) {
        if (refused_for_descriptors_++ == 0) {
            spdlog::warn("out of file descriptors ({} connections): turning new connections away until some close",
                         connections_);
        }
    } else if (refused_for_descriptors_ > 0) {
        spdlog::info("accepting again; {} connection attempts were turned away", refused_for_descriptors_);
        refused_for_descriptors_ = 0;
    }
}

void Server::compute_descriptor_budget() {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    std::size_t open_now = 0;
    std::error_code error;
    for (auto it = std::filesystem::directory_iterator{"/proc/self/fd", error};
         !error && it != std::filesystem::directory_iterator{}; it.increment(error)) {
        ++open_now;
    }
    if (error || open_now == 0) open_now = 32;
    // Slack for refusals in flight, the account database's journal files,
    // and whatever else opens a descriptor later.
    const std::size_t slack = 8 + static_cast<std::size_t>(limit.rlim_cur) / 200;
    const auto total = static_cast<std::size_t>(limit.rlim_cur);
    descriptor_budget_ = total > open_now + slack ? total - open_now - slack : 1;
    spdlog::debug("descriptor limit {}, {} open at start: room for {} connections", total, open_now,
                  descriptor_budget_);
}

const char* Server::refusal_for(const std::string& address, bool out_of_descriptors) const {
    const auto& limits = world_.config().limits;
    if (out_of_descriptors || (limits.max_clients > 0 && connections_ > limits.max_clients)) {
        return "Sorry, the server is full (server full). Please try again later.";
    }
    if (limits.max_per_address > 0 && per_address_.at(address) > limits.max_per_address) {
        return "Sorry, there are too many connections from your address (server full for your address).";
    }
    return nullptr;
}

void Server::release(Connection& connection) {
    --connections_;
    if (!connection.accepted()) return;
    --open_by_kind_[count_slot(connection.kind(), connection.is_tls())];
    const auto it = per_address_.find(connection.address());
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

void Server::forget(Connection& connection) {
    if (connection.read_stopped()) std::erase(read_stopped_, &connection);
    if (connection.is_web()) std::erase(web_connections_, &connection);
    if (connection.is_web() || connection.is_tls()) std::erase(pending_connections_, &connection);
    if (connection.is_tls()) std::erase(tls_handshaking_, &connection);
    if (connection.has_session()) world_.pacer().forget(connection.session().id());
}

void Server::mark_pending(Connection& connection) {
    if (std::find(pending_connections_.begin(), pending_connections_.end(), &connection) == pending_connections_.end()) {
        pending_connections_.push_back(&connection);
    }
}

void Server::move_address(const std::string& from, const std::string& to) {
    if (const auto it = per_address_.find(from); it != per_address_.end() && --it->second == 0) per_address_.erase(it);
    ++per_address_[to];
}

const char* Server::refusal_after_upgrade(const std::string& address) const {
    const auto& limits = world_.config().limits;
    const auto it = per_address_.find(address);
    if (limits.max_per_address > 0 && it != per_address_.end() && it->second > limits.max_per_address) {
        return "Sorry, there are too many connections from your address (server full for your address).";
    }
    return nullptr;
}

std::string Server::metrics_text() const {
    auto scrape = scrape_world(world_);
    // One series per (kind, TLS) being listened on, open or not.
    for (const auto& listener : listeners_) {
        const auto slot = count_slot(listener->kind, listener->tls);
        const bool listed = std::any_of(scrape.listeners.begin(), scrape.listeners.end(), [&](const auto& entry) {
            return entry.kind == listener->kind && entry.tls == listener->tls;
        });
        if (!listed) {
            scrape.listeners.push_back({.kind = listener->kind, .tls = listener->tls, .open = open_by_kind_[slot],
                                        .accepted = accepted_by_kind_[slot]});
        }
    }
    scrape.loop_seconds = &loop_timer_.seconds();
    const auto process = read_process_stats();
    scrape.resident_bytes = process.resident_bytes;
    scrape.open_descriptors = process.open_descriptors;
    scrape.version = version();
    scrape.revision = git_revision();
    return render_metrics(scrape);
}

void Server::on_tick(uv_timer_t* timer) noexcept {
    auto& self = *static_cast<Server*>(timer->data);
    // The clocks stand still while a restart is prepared: its state is
    // saved as it is (and connections waiting there have no room yet).
    if (self.draining_for_restart()) return;
    self.world_.enforce_timeouts();
    self.expire_handshakes();
    // Pings, and heads that never came whole; a tick may close a connection,
    // which takes it off the list, so walk a copy.
    if (!self.web_connections_.empty()) {
        const auto now = std::chrono::steady_clock::now();
        const auto web = self.web_connections_;
        for (auto* connection : web) connection->web_tick(now);
    }
    self.notifier_.watchdog();
}

void Server::on_prepare(uv_prepare_t* prepare) noexcept {
    auto& self = *static_cast<Server*>(prepare->data);
    ++self.iteration_;
    self.handshake_turns_ = handshake_turns_per_iteration;
    self.flush_all();
    self.pace();
    self.loop_timer_.iteration_done();
}

void Server::on_pacing_timer(uv_timer_t* timer) noexcept {
    // Only wakes the loop: the prepare that follows paces.
    static_cast<void>(timer);
}

void Server::pace() {
    using namespace std::chrono_literals;
    auto& pacer = world_.pacer();
    const auto now = world_.now();
    // While input waits, look often (the pacing timer wakes the loop for
    // it); otherwise a few times a second is enough to find stalled clients.
    if (pacer.watched() > 0 && now - last_paced_ >= (pacer.paused() ? 5ms : 100ms)) {
        last_paced_ = now;
        const bool was_paused = pacer.paused();
        const auto doomed = pacer.evaluate(now, [this](std::uint64_t id) {
            auto* session = world_.find_session(id);
            if (session == nullptr) return OutputPacer::Sample{.gone = true};
            return static_cast<Connection*>(session->link)->pacing_sample();
        });
        // The disconnect is logged with the reason.
        for (const auto& [id, why] : doomed) {
            if (auto* session = world_.find_session(id)) session->abandon(std::string{OutputPacer::reason(why)});
        }
        if (!doomed.empty()) flush_all();
        if (was_paused != pacer.paused()) {
            spdlog::debug("input {} ({} clients behind)", pacer.paused() ? "paused" : "resumed", pacer.watched());
        }
    } else if (pacer.paused() && pacer.watched() == 0) {
        static_cast<void>(pacer.evaluate(now, [](std::uint64_t) { return OutputPacer::Sample{}; }));
    }
    if (pacer.paused() != pacing_timer_running_) {
        pacing_timer_running_ = pacer.paused();
        if (pacing_timer_running_) {
            uv_timer_start(&pacing_timer_, &Server::on_pacing_timer, 5, 5);
        } else {
            uv_timer_stop(&pacing_timer_);
        }
    }
    if (!input_paused() && !read_stopped_.empty()) {
        // Swapped out first: a connection may stop again at once.
        auto resuming = std::move(read_stopped_);
        read_stopped_.clear();
        for (auto* connection : resuming) connection->resume_reading();
    }
}

void Server::apply_read_chunk() {
    const auto limit = world_.config().limits.output_buffer_bytes;
    read_chunk_ = static_cast<unsigned>(std::clamp<std::uint64_t>(limit / 8, 4096, read_buffer_.size()));
}

void Server::flush_all() {
    if (world_.stop_requested()) begin_shutdown();  // an operator's shutdown; runs once
    if (world_.reboot_requested()) {
        auto [reason, by] = world_.take_reboot_request();
        begin_restart(std::move(reason), by);
    }
    // A flush can disconnect someone (a write error), whose leave notice
    // gives others output: repeat until quiet. Each round closes sessions
    // for good, so this ends; the bound is only a guard.
    for (int round = 0; round < 64; ++round) {
        world_.settle();
        if (!world_.has_pending() && pending_connections_.empty()) break;
        // A web connection marked before its WebSocket opened has a session
        // now, maybe pending too: it goes in once, through the session, since
        // two entries for one socket would send the same bytes twice, on two
        // I/O threads at once.
        for (auto* connection : pending_connections_) {
            if (connection->has_session()) world_.mark_pending(connection->session());
        }
        world_.flush_pending([this](Session& session) { flushing_.push_back(static_cast<Connection*>(session.link)); });
        for (auto* connection : pending_connections_) {
            if (!connection->has_session()) flushing_.push_back(connection);
        }
        pending_connections_.clear();
        flush_batch();
    }
    flush_log();
    if (shutting_down_ && connections_ == 0) close_own_handles();
}

unsigned Server::io_threads_for(std::uint32_t configured) {
    if (configured != 0) return configured;
    return std::clamp(std::thread::hardware_concurrency(), 1U, 8U);
}

void Server::start_sender() {
    const auto& config = world_.config().server;
    sender_ = std::make_unique<ParallelSender>(io_threads_for(config.io_threads), config.io_uring);
    if (!config.io_uring) {
        spdlog::info("output: socket by socket (io_uring = false)");
    } else if (sender_->rings() == 0) {
        spdlog::warn("output: {}; writing socket by socket", sender_->unavailable());
    } else {
        spdlog::info("output: one io_uring submission per loop iteration and I/O thread");
        if (sender_->rings() < sender_->threads()) {
            spdlog::warn("output: {}; {} of {} I/O threads write socket by socket", sender_->unavailable(),
                         sender_->threads() - sender_->rings(), sender_->threads());
        }
    }
    log_sender_notes();
    if (sender_->threads() > 1) {
        spdlog::info("output: {} I/O threads, the loop thread one of them", sender_->threads());
    } else {
        spdlog::info("output: the loop thread alone (io_threads = 1)");
    }
}

void Server::log_sender_notes() {
    for (const auto& note : sender_->take_notes()) {
        spdlog::error("output: {}; that I/O thread writes socket by socket from now on", note);
    }
}

void Server::send_now(const std::vector<Connection*>& connections, std::vector<Connection*>& sending,
                      std::vector<int>& results) {
    // Connections are freed only in their close callback, which cannot run
    // during a flush, so the pointers stay good throughout. sendable() runs
    // here, for every connection, before any other thread sees a byte.
    for (auto* connection : connections) {
        const auto bytes = connection->sendable();
        if (bytes.empty()) continue;
        sending.push_back(connection);
        sender_->add(connection->fd(), bytes);
    }
    const auto sent = sender_->send_all();
    // Copied out: applying them can disconnect someone, whose notice may
    // bring an early flush, which uses the sender again.
    results.assign(sent.begin(), sent.end());
    log_sender_notes();
}

void Server::flush_batch() {
    send_now(flushing_, sending_, send_results_);
    for (std::size_t i = 0; i < sending_.size(); ++i) sending_[i]->sent(send_results_[i]);
    for (std::size_t i = 0; i < sending_.size(); ++i) sending_[i]->after_send(send_results_[i]);
    for (auto* connection : flushing_) connection->close_if_done();
    sending_.clear();
    flushing_.clear();
}

void Server::flush_early_one(Connection& connection) {
    early_pending_.push_back(&connection);
    send_now(early_pending_, early_sending_, early_results_);
    if (!early_sending_.empty()) early_sending_.front()->sent_early(early_results_.front());
    early_sending_.clear();
    early_pending_.clear();
}

void Server::flush_early_all() {
    world_.for_each_pending([this](Session& session) { early_pending_.push_back(static_cast<Connection*>(session.link)); });
    send_now(early_pending_, early_sending_, early_results_);
    for (std::size_t i = 0; i < early_sending_.size(); ++i) early_sending_[i]->sent_early(early_results_[i]);
    early_sending_.clear();
    early_pending_.clear();
}

void Server::on_signal(uv_signal_t* signal, int signum) noexcept {
    auto& self = *static_cast<Server*>(signal->data);
    if (signum == SIGUSR2) {
        if (!self.shutting_down_ && !self.world_.reboot_requested()) self.world_.request_reboot("", 0);
    } else if (signum == SIGHUP) {
        self.notifier_.reloading();
        self.reload();
        self.notifier_.ready();  // also after a failed reload: the old configuration serves on
    } else {
        self.begin_shutdown();
    }
}

void Server::begin_shutdown() {
    if (shutting_down_) return;
    shutting_down_ = true;
    notifier_.stopping();
    spdlog::info("shutting down ({} connections)", connections_);
    spdlog::info("{} events sent to more than one session, rendered {} times", world_.broadcasts(), world_.renders());
    close_listeners();
    world_.shutdown(shutdown_notice);
    // Peers that will not take their last bytes get a bounded wait.
    uv_timer_start(&drain_timer_, &Server::on_drain_timeout, shutdown_drain_ms, 0);
}

void Server::on_drain_timeout(uv_timer_t* timer) noexcept {
    auto& self = *static_cast<Server*>(timer->data);
    std::vector<Connection*> stragglers;
    for (auto* session : self.world_.sessions()) stragglers.push_back(static_cast<Connection*>(session->link));
    for (auto* connection : self.web_connections_) {
        if (!connection->has_session()) stragglers.push_back(connection);
    }
    spdlog::warn("shutdown: closing {} connections that did not drain", stragglers.size());
    for (auto* connection : stragglers) connection->abort();
}

void Server::close_own_handles() {
    auto close = [](auto* handle) {
        auto* h = reinterpret_cast<uv_handle_t*>(handle);
        if (!uv_is_closing(h)) uv_close(h, nullptr);
    };
    close_listeners();
    if (prepare_.loop != nullptr) close(&prepare_);
    for (auto* signal : {&sigint_, &sigterm_, &sighup_, &sigusr2_}) {
        if (signal->loop != nullptr) close(signal);
    }
    if (drain_timer_.loop != nullptr) close(&drain_timer_);
    if (pacing_timer_.loop != nullptr) close(&pacing_timer_);
    if (restart_timer_.loop != nullptr) close(&restart_timer_);
    background_.close();
    if (tick_timer_.loop != nullptr) close(&tick_timer_);
    if (cluster_timer_.loop != nullptr) close(&cluster_timer_);
    if (redis_link_ && !redis_link_closing_) {
        redis_link_closing_ = true;
        if (auto* cluster = world_.cluster()) cluster->detach();
        redis_link_->close();
    }
}

void Server::reload() {
    auto config = load_config(config_path_);
    if (!config) {
        spdlog::error("reload failed, keeping the old configuration: {}", config.error().message);
        return;
    }
    const auto& old = world_.config();
    if (config->server.host != old.server.host || config->server.port != old.server.port) {
        spdlog::warn("reload: a new host or port takes effect only after a restart");
    }
    if (config->cluster.redis != old.cluster.redis || config->cluster.node != old.cluster.node ||
        config->cluster.prefix != old.cluster.prefix || config->cluster.lease_ms != old.cluster.lease_ms ||
        config->cluster.heartbeat_ms != old.cluster.heartbeat_ms) {
        spdlog::warn("reload: [cluster] changes take effect only after a restart");
    }
    // A certificate that fails to load keeps the old one, and the rest of
    // the new configuration still applies.
    const auto old_context = tls_context_;
    if (auto loaded = load_tls(*config); !loaded) {
        spdlog::error("reload: keeping the old TLS certificate: {}", loaded.error().message);
    } else if (tls_context_ && tls_context_ != old_context) {
        spdlog::info("tls certificate: {}", tls_context_->description());
    }
    set_log_level(config->log.level);
    world_.reconfigure(std::move(*config));
    apply_read_chunk();
    spdlog::info("configuration reloaded from {}", config_path_);
}

}  // namespace natter::net
