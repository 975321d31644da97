#include "src/background.hpp"
#include "src/world.hpp"

#include <algorithm>
#include <bit>
#include <cassert>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "rooms/chat_room.hpp"
#include "rooms/login_room.hpp"
#include "rooms/logout_room.hpp"
#include "src/accounts.hpp"
#include "src/cluster.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/render/render.hpp"
#include "src/session.hpp"

namespace natter {

World::World(Config config)
    : config_{std::move(config)},
      login_room_{std::make_unique<LoginRoom>(*this)},
      logout_room_{std::make_unique<LogoutRoom>(*this)},
      accounts_{std::make_unique<Accounts>(*this)} {
    if (config_.cluster.enabled()) cluster_ = std::make_unique<Cluster>(*this);
    metrics_.command_lines.assign(command_registry().all().size(), 0);
    ensure_permanent_rooms();
    apply_limits();
}

World::~World() {
    // Sessions belong to the network layer (or a test), which must end them
    // before the world they live in.
    assert(sessions_.empty());
}

void World::reconfigure(Config config) {
    config.cluster = config_.cluster;  // the cluster is joined once, at start
    config_ = std::move(config);
    ensure_permanent_rooms();
    apply_limits();
}

void World::apply_limits() {
    const auto& limits = config_.limits;
    pacer_.set_limits(OutputPacer::limits_for(limits.output_buffer_bytes, std::chrono::seconds{limits.stall_timeout_s}));
    // A power of two, so the test on every queued line is a shift, not a division.
    early_flush_shift_ = static_cast<unsigned>(std::countr_zero(
        std::bit_floor(std::clamp<std::size_t>(pacer_.limits().client_high / 4, 1024, early_flush_bytes))));
}

void World::ensure_permanent_rooms() {
    for (const auto& name : config_.rooms.permanent) {
        if (find_room(name) != nullptr) continue;
        chat_rooms_.push_back(std::make_unique<ChatRoom>(*this, name));
        restore_topic(*chat_rooms_.back());
    }
    // `rooms` lists permanent rooms in config order, then created ones; a
    // reload may have made a created room permanent, or the reverse.
    const auto& permanent = config_.rooms.permanent;
    const auto rank = [&](const std::unique_ptr<Room>& room) {
        const auto key = name_key(room->name());
        const auto it = std::find_if(permanent.begin(), permanent.end(),
                                     [&](const std::string& name) { return name_key(name) == key; });
        return static_cast<std::size_t>(it - permanent.begin());
    };
    std::stable_sort(chat_rooms_.begin(), chat_rooms_.end(),
                     [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
    sweep_rooms_ = true;
}

bool World::is_permanent(const Room& room) const {
    const auto key = name_key(room.name());
    return std::any_of(config_.rooms.permanent.begin(), config_.rooms.permanent.end(),
                       [&](const std::string& name) { return name_key(name) == key; });
}

Room& World::create_room(std::string name) {
    assert(is_valid_name(name) && find_room(name) == nullptr);
    spdlog::info("room created {}", name);
    chat_rooms_.push_back(std::make_unique<ChatRoom>(*this, std::move(name)));
    announce_channels();
    return *chat_rooms_.back();
}

void World::sweep_rooms() {
    sweep_rooms_ = false;
    const auto removed = std::erase_if(chat_rooms_, [&](const std::unique_ptr<Room>& room) {
        if (!room->members().empty() || is_permanent(*room)) return false;
        spdlog::info("room closed {}", room->name());
        return true;
    });
    if (removed > 0) announce_channels();
}

void World::announce_channels() {
    std::vector<std::string_view> rooms;
    rooms.reserve(chat_rooms_.size());
    for (const auto& room : chat_rooms_) rooms.push_back(room->name());
    const Event event{.kind = EventKind::channels, .rooms = rooms};
    RenderCache cache{event};
    for (auto* user : users_) {
        if (!user->variant().structured()) continue;  // nothing to show a plain client
        const auto& bytes = cache.bytes_for(user->variant(), user->variant_key());
        if (!bytes.empty()) user->send_raw(bytes);
    }
}

void World::restore_topic(Room& room) {
    const auto key = name_key(room.name());
    for (const auto& topic : saved_topics_) {
        if (name_key(topic.room) == key) as_chat_room(room).restore_topic(topic);
    }
}

void World::restore_topics(std::vector<RoomTopic> topics) {
    saved_topics_ = std::move(topics);
    for (auto& room : chat_rooms_) {
        if (is_permanent(*room)) restore_topic(*room);
    }
}

void World::keep_topic(RoomTopic topic) {
    const auto key = name_key(topic.room);
    std::erase_if(saved_topics_, [&](const RoomTopic& saved) { return name_key(saved.room) == key; });
    if (!topic.text.empty()) saved_topics_.push_back(topic);
    accounts_->save_topic(std::move(topic));
}

Room& World::main_room() {
    auto* room = find_room(config_.rooms.permanent.front());
    assert(room != nullptr);
    return *room;
}

Room* World::find_room(std::string_view name) const {
    const auto key = name_key(name);
    for (const auto& room : chat_rooms_) {
        if (name_key(room->name()) == key) return room.get();
    }
    return nullptr;
}

Session* World::find_user(std::string_view name) const {
    const auto it = users_by_key_.find(name_key(name));
    return it == users_by_key_.end() ? nullptr : it->second;
}

void World::add_user(Session& session) {
    [[maybe_unused]] const auto [it, inserted] = users_by_key_.emplace(name_key(session.name()), &session);
    assert(inserted);
    session.user_position_ = users_.insert(users_.end(), &session);
}

void World::schedule_shutdown(std::string_view by, unsigned seconds) {
    const auto notice =
        fmt::format("*** {} is shutting the server down in {} second{}.", by, seconds, seconds == 1 ? "" : "s");
    broadcast_to_sessions(Event{.kind = EventKind::notice, .text = notice});
    if (seconds == 0 || background_ == nullptr) {
        request_stop();
        return;
    }
    background_->after(std::chrono::seconds{seconds}, [this] { request_stop(); });
}

void World::remove_user(Session& session) {
    const auto it = users_by_key_.find(name_key(session.name()));
    if (it == users_by_key_.end() || it->second != &session) return;
    users_by_key_.erase(it);
    users_.erase(session.user_position_);
    if (cluster_) cluster_->signed_out(session);
    seen_.record(session.name(), wall_now());
    // A registered user's last visit and time online outlive the run.
    if (session.authenticated() && accounts_->is_registered(session.name())) {
        const auto online = std::chrono::duration_cast<std::chrono::seconds>(now() - session.connected_at());
        accounts_->record_logout(session.name(), online.count());
    }
}

void World::attach(Session& session) {
    session.world_position_ = sessions_.insert(sessions_.end(), &session);
    session.id_ = ++last_session_id_;
    sessions_by_id_.emplace(session.id_, &session);
}

Session* World::find_session(std::uint64_t id) const {
    const auto it = sessions_by_id_.find(id);
    return it == sessions_by_id_.end() ? nullptr : it->second;
}

void World::detach(Session& session) {
    sessions_.erase(session.world_position_);
    sessions_by_id_.erase(session.id_);
    if (session.pending_) {
        std::erase(pending_, &session);
        std::erase(flushing_, &session);
    }
    std::erase_if(doomed_, [&](const auto& entry) { return entry.first == &session; });
}

void World::clear_pending(Session& session) { session.pending_ = false; }

void World::mark_pending(Session& session) {
    if (session.pending_) return;
    session.pending_ = true;
    pending_.push_back(&session);
}

void World::queued(Session& session, std::size_t bytes) {
    mark_pending(session);
    // Once per early_flush_step() appended, not on every line past it: when
    // the kernel takes nothing, trying again for each line would cost a
    // system call and a move of the whole outbox per line.
    const std::size_t size = session.outbox().size();
    if (size >> early_flush_shift_ != (size - std::min(bytes, size)) >> early_flush_shift_) {
        if (early_flush_) early_flush_(session);
        // What the kernel would not take: past the pacer's mark, input stops
        // before the rest of this loop iteration adds to it.
        if (session.pending_output() > pacer_.limits().client_high) pacer_.on_growth(session.id(), now());
    }
    queued_since_flush_ += bytes;
    if (queued_since_flush_ >= early_flush_total_bytes) {
        queued_since_flush_ = 0;
        if (early_flush_all_) early_flush_all_();
    }
}

void World::defer_disconnect(Session& session, std::string reason) {
    doomed_.emplace_back(&session, std::move(reason));
}

void World::settle() {
    // Disconnecting can overflow others (the left notice), so loop; each
    // session is disconnected at most once, so this ends.
    while (!doomed_.empty()) {
        auto doomed = std::move(doomed_);
        doomed_.clear();
        for (auto& [session, reason] : doomed) session->disconnect(reason);
    }
    if (sweep_rooms_) sweep_rooms();
}

void World::enforce_timeouts() {
    accounts_->expire_if_due();
    using std::chrono::seconds;
    const auto now = this->now();
    const auto& limits = config_.limits;
    const seconds keepalive{config_.telnet.keepalive_s};
    for (auto* session : sessions_) {
        if (session->closing() || session->room() == nullptr) continue;
        if (keepalive.count() > 0) session->keep_alive(now, keepalive);
        const auto kind = session->room()->kind();
        if (kind == RoomKind::login && limits.login_timeout_s > 0 &&
            now - session->connected_at() >= seconds{limits.login_timeout_s}) {
            session->send("You did not log in in time. Goodbye.");
            session->disconnect("login timeout");
        } else if (kind == RoomKind::chat) {
            enforce_idle(*session, now);
        }
    }
}

void World::enforce_idle(Session& session, Clock::time_point now) {
    using std::chrono::seconds;
    const auto& limits = config_.limits;
    const auto idle = now - session.last_input();
    // Marked away first, when that comes before the idle timeout.
    if (limits.auto_away_s > 0 && !session.away() && idle >= seconds{limits.auto_away_s} &&
        (limits.idle_timeout_s == 0 || limits.auto_away_s < limits.idle_timeout_s)) {
        as_chat_room(*session.room()).set_away(session, {}, true);
    }
    if (limits.idle_timeout_s == 0) return;
    const seconds limit{limits.idle_timeout_s};
    // Warn a minute ahead, or halfway for short limits.
    const seconds warn_before = std::min<seconds>(seconds{60}, limit / 2);
    if (idle >= limit) {
        session.send("You were idle for too long. Goodbye.");
        session.disconnect("idle timeout");
    } else if (idle >= limit - warn_before && !session.idle_warned()) {
        session.set_idle_warned();
        session.send(fmt::format("You have been idle a while; you will be disconnected in {} seconds "
                                 "unless you type something.",
                                 std::chrono::duration_cast<seconds>(limit - idle).count()));
    }
}

void World::broadcast_to_users(const Event& event, const Session* speaker) {
    RenderCache cache{event};
    for (auto* user : users_) {
        if (speaker != nullptr && user->ignores(*speaker)) continue;
        const auto& bytes = cache.bytes_for(user->variant(), user->variant_key());
        if (!bytes.empty() && user->send_raw(bytes)) ++metrics_.deliveries;
    }
    count_broadcast(cache.renders());
}

void World::broadcast_to_sessions(const Event& event) {
    RenderCache cache{event};
    for (auto* session : sessions_) {
        if (session->closing()) continue;
        const auto& bytes = cache.bytes_for(session->variant(), session->variant_key());
        if (!bytes.empty() && session->send_raw(bytes)) ++metrics_.deliveries;
    }
    count_broadcast(cache.renders());
}

void World::shutdown(std::string_view notice) {
    shutting_down_ = true;
    broadcast_to_sessions(Event{.kind = EventKind::notice, .text = notice});
    const std::vector<Session*> everyone{sessions_.begin(), sessions_.end()};
    for (auto* session : everyone) session->disconnect("server shutdown");
}

}  // namespace natter
