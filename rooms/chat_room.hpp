// A room people talk in (the lobby and every room of SPEC §3): announces
// arrivals and departures to those already there, unless the room is too
// big for that to be useful, and keeps its recent messages for `history`.
#pragma once

#include "rooms/history.hpp"
#include "rooms/room.hpp"

namespace natter {

class ChatRoom final : public Room {
public:
    ChatRoom(World& world, std::string name);

    void add(Session& session) override;
    void remove(Session& session) override;

    // A say or emote by `speaker`: broadcast (skipping those who ignore the
    // speaker) and kept in the history. The caller logs it.
    void speak(const Session& speaker, EventKind kind, std::string_view text);

    // The recent messages, resized to the configured `history_lines` first.
    [[nodiscard]] const History& history();

protected:
    void on_unknown(Session& session, std::string_view verb) override;

private:
    // Big rooms would drown in entered/left notices (SPEC §3).
    [[nodiscard]] bool announces(std::size_t members_with_subject) const;

    History history_;
};

// The ChatRoom behind a room known to be one (a command registered only for
// RoomKind::chat is dispatched only from a ChatRoom).
[[nodiscard]] ChatRoom& as_chat_room(Room& room);

}  // namespace natter
