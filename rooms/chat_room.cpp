#include "rooms/chat_room.hpp"

#include <algorithm>
#include <cassert>
#include <vector>

#include "src/session.hpp"
#include "src/world.hpp"

namespace natter {

ChatRoom::ChatRoom(World& world, std::string name)
    : Room{world, RoomKind::chat, std::move(name)}, history_{world.config().rooms.history_lines} {}

ChatRoom& as_chat_room(Room& room) {
    assert(room.kind() == RoomKind::chat);
    return static_cast<ChatRoom&>(room);
}

bool ChatRoom::announces(std::size_t members_with_subject) const {
    return !world_.shutting_down() && members_with_subject <= world_.config().rooms.announce_max_members;
}

void ChatRoom::add(Session& session) {
    // Classic: those already here hear of the newcomer; the newcomer does not.
    if (announces(members().size() + 1)) {
        const bool address = world_.config().server.announce_addresses;
        broadcast(Event{.kind = EventKind::entered,
                        .actor = session.name(),
                        .room = name(),
                        .detail = address ? std::string_view{session.address()} : std::string_view{}});
    }
    Room::add(session);
    // A client that shows structure learns where it is and who is here.
    if (session.variant().structured()) {
        std::vector<std::string_view> people;
        people.reserve(std::min<std::size_t>(members().size(), world_.config().rooms.announce_max_members + 1));
        for (const auto* member : members()) {
            if (people.size() > world_.config().rooms.announce_max_members) break;
            people.push_back(member->name());
        }
        session.deliver(Event{.kind = EventKind::room_state,
                              .room = name(),
                              .detail = world_.config().server.name,
                              .people = people});
    }
}

void ChatRoom::remove(Session& session) {
    Room::remove(session);
    if (announces(members().size() + 1)) {
        broadcast(Event{.kind = EventKind::left, .actor = session.name(), .room = name()});
    }
    if (members().empty()) world_.room_emptied();
}

void ChatRoom::speak(const Session& speaker, EventKind kind, std::string_view text) {
    const auto now = world_.wall_now();
    broadcast(Event{.kind = kind, .actor = speaker.name(), .room = name(), .text = text, .at = now}, &speaker);
    history_.set_capacity(world_.config().rooms.history_lines);
    history_.add({.when = now, .kind = kind, .speaker = speaker.name(), .text = std::string{text}});
}

const History& ChatRoom::history() {
    history_.set_capacity(world_.config().rooms.history_lines);
    return history_;
}

void ChatRoom::on_unknown(Session& session, std::string_view verb) {
    session.send("Unknown command: " + std::string{verb});
}

}  // namespace natter
