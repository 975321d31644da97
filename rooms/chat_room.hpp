// A room people talk in (the lobby and every room of SPEC §3): announces
// arrivals and departures to those already there, unless the room is too
// big for that to be useful.
#pragma once

#include "rooms/room.hpp"

namespace natter {

class ChatRoom final : public Room {
public:
    ChatRoom(World& world, std::string name) : Room{world, RoomKind::chat, std::move(name)} {}

    void add(Session& session) override;
    void remove(Session& session) override;

protected:
    void on_unknown(Session& session, std::string_view verb) override;

private:
    // Big rooms would drown in entered/left notices (SPEC §3).
    [[nodiscard]] bool announces(std::size_t members_with_subject) const;
};

}  // namespace natter
