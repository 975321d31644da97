#include "rooms/chat_room.hpp"

#include <cassert>

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
        if (world_.config().server.announce_addresses) {
            broadcast(session.name() + " has entered the room. (from " + session.address() + ")");
        } else {
            broadcast(session.name() + " has entered the room.");
        }
    }
    Room::add(session);
}

void ChatRoom::remove(Session& session) {
    Room::remove(session);
    if (announces(members().size() + 1)) broadcast(session.name() + " has left the room.");
    if (members().empty()) world_.room_emptied();
}

void ChatRoom::speak(const Session& speaker, std::string line) {
    broadcast(line, &speaker);
    history_.set_capacity(world_.config().rooms.history_lines);
    history_.add({.when = world_.wall_now(), .speaker = speaker.name(), .line = std::move(line)});
}

const History& ChatRoom::history() {
    history_.set_capacity(world_.config().rooms.history_lines);
    return history_;
}

void ChatRoom::on_unknown(Session& session, std::string_view verb) {
    session.send("Unknown command: " + std::string{verb});
}

}  // namespace natter
