#include "rooms/chat_room.hpp"

#include "src/session.hpp"
#include "src/world.hpp"

namespace natter {

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
}

void ChatRoom::on_unknown(Session& session, std::string_view verb) {
    session.send("Unknown command: " + std::string{verb});
}

}  // namespace natter
