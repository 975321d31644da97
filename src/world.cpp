#include "src/world.hpp"

#include <algorithm>
#include <cassert>

#include <spdlog/spdlog.h>

#include "rooms/chat_room.hpp"
#include "rooms/login_room.hpp"
#include "rooms/logout_room.hpp"
#include "src/names.hpp"
#include "src/session.hpp"

namespace natter {

World::World(Config config)
    : config_{std::move(config)},
      login_room_{std::make_unique<LoginRoom>(*this)},
      logout_room_{std::make_unique<LogoutRoom>(*this)} {
    ensure_permanent_rooms();
}

World::~World() {
    // Sessions belong to the network layer (or a test), which must end them
    // before the world they live in.
    assert(sessions_.empty());
}

void World::reconfigure(Config config) {
    config_ = std::move(config);
    ensure_permanent_rooms();
}

void World::ensure_permanent_rooms() {
    for (const auto& name : config_.rooms.permanent) {
        if (find_room(name) == nullptr) chat_rooms_.push_back(std::make_unique<ChatRoom>(*this, name));
    }
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

void World::remove_user(Session& session) {
    const auto it = users_by_key_.find(name_key(session.name()));
    if (it == users_by_key_.end() || it->second != &session) return;
    users_by_key_.erase(it);
    users_.erase(session.user_position_);
}

void World::attach(Session& session) { session.world_position_ = sessions_.insert(sessions_.end(), &session); }

void World::detach(Session& session) {
    sessions_.erase(session.world_position_);
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
}

void World::shutdown(std::string_view notice) {
    shutting_down_ = true;
    const std::vector<Session*> everyone{sessions_.begin(), sessions_.end()};
    for (auto* session : everyone) {
        if (session->closing()) continue;
        session->send(notice);
        session->disconnect("server shutdown");
    }
}

}  // namespace natter
