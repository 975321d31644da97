#include "rooms/logout_room.hpp"

#include "src/session.hpp"
#include "src/world.hpp"

namespace natter {

void LogoutRoom::add(Session& session) {
    Room::add(session);
    world_.remove_user(session);
    session.mark_closing();
}

}  // namespace natter
