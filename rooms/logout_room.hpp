// The last room: entering it releases the name and marks the session to be
// closed once its output is flushed. It accepts no input.
#pragma once

#include "rooms/room.hpp"

namespace natter {

class LogoutRoom final : public Room {
public:
    explicit LogoutRoom(World& world) : Room{world, RoomKind::logout, "logout"} {}

    void add(Session& session) override;

protected:
    void on_unknown(Session&, std::string_view) override {}
};

}  // namespace natter
