// World's side of a hot restart: rooms, the seen log and the start time as
// plain values and back. Sessions are saved and restored on their own.
#include <chrono>

#include "rooms/chat_room.hpp"
#include "src/clock_ticks.hpp"
#include "src/names.hpp"
#include "src/restart_state.hpp"
#include "src/world.hpp"

namespace natter {
void World::snapshot_into(RestartState& state) const {
    state.started_unix_ms = unix_ms(started_);
    for (const auto& room : chat_rooms_) {
        auto& chat = as_chat_room(*room);
        RoomSnapshot saved{.name = room->name(),
                           .permanent = is_permanent(*room),
                           .topic = chat.topic().text,
                           .topic_by = chat.topic().by,
                           .topic_set_at = chat.topic().set_at,
                           .history = {}};
        const auto& history = chat.history();
        saved.history.reserve(history.size());
        for (std::size_t i = 0; i < history.size(); ++i) {
            const auto& entry = history[i];
            saved.history.push_back({.when_unix_ms = unix_ms(entry.when),
                                     .kind = static_cast<std::uint8_t>(entry.kind),
                                     .speaker = entry.speaker,
                                     .text = entry.text});
        }
        state.rooms.push_back(std::move(saved));
    }
    seen_.for_each([&](const SeenLog::Seen& seen) {
        state.seen.push_back({.name = seen.name, .when_unix_ms = unix_ms(seen.when)});
    });
}

void World::restore_from(const RestartState& state) {
    started_ = from_unix_ms(state.started_unix_ms);
    for (const auto& saved : state.rooms) {
        if (!is_valid_name(saved.name)) continue;
        Room* room = find_room(saved.name);
        if (room == nullptr) {
            chat_rooms_.push_back(std::make_unique<ChatRoom>(*this, saved.name));
            room = chat_rooms_.back().get();
            // An empty created room goes at the next settle, as it would have.
            sweep_rooms_ = true;
        }
        auto& chat = as_chat_room(*room);
        if (!is_permanent(*room) && !saved.topic.empty()) {
            chat.restore_topic({.room = saved.name, .text = saved.topic, .by = saved.topic_by, .set_at = saved.topic_set_at});
        }
        for (const auto& entry : saved.history) {
            const auto kind = static_cast<EventKind>(entry.kind);
            if (kind != EventKind::say && kind != EventKind::emote) continue;
            chat.restore_history({.when = from_unix_ms(entry.when_unix_ms), .kind = kind, .speaker = entry.speaker, .text = entry.text});
        }
    }
    for (const auto& seen : state.seen) seen_.record(seen.name, from_unix_ms(seen.when_unix_ms));
}

}  // namespace natter
