// Where every connection starts: greets it, and knows only how to log in
// (and out). Anything else gets the classic reminder.
#pragma once

#include "rooms/room.hpp"

namespace natter {

class LoginRoom final : public Room {
public:
    explicit LoginRoom(World& world) : Room{world, RoomKind::login, "login"} {}

    void add(Session& session) override;

protected:
    void on_unknown(Session& session, std::string_view verb) override;
};

}  // namespace natter
