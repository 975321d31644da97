// A room people talk in (the lobby and every room of SPEC §3): announces
// arrivals and departures to those already there, unless the room is too
// big for that to be useful, keeps its recent messages for `history`, has a
// topic, and says when a member goes away or comes back.
#pragma once

#include "rooms/history.hpp"
#include "rooms/room.hpp"
#include "src/room_topic.hpp"

namespace natter {

class ChatRoom final : public Room {
public:
    ChatRoom(World& world, std::string name);

    void add(Session& session) override;
    void remove(Session& session) override;

    // A say or emote by `speaker`: broadcast (skipping those who ignore the
    // speaker) and kept in the history. The caller logs it.
    void speak(const Session& speaker, EventKind kind, std::string_view text);
    // A say or emote in the cluster's order (this node's own lines too),
    // from `speaker` who may be on any node: broadcast and kept.
    void hear(EventKind kind, std::string_view speaker, std::string_view text, History::WallClock::time_point when);
    // Someone on another node came into, or left, this room.
    void remote_entered(std::string_view name);
    void remote_left(std::string_view name);
    // Lines of this room the link lost for good: members are told once.
    void lines_lost();

    // The recent messages, resized to the configured `history_lines` first.
    [[nodiscard]] const History& history();

    // The topic (its text empty: none), shown to each newcomer.
    [[nodiscard]] const RoomTopic& topic() const { return topic_; }
    // `by` sets the topic to `text` (sanitised; empty clears it): everyone
    // here sees it, and a permanent room's is kept for a restart.
    void set_topic(const Session& by, std::string text);
    // The topic as it was stored, told to no one (at start-up).
    void restore_topic(RoomTopic topic);
    // A history entry from before a hot restart, oldest first, told to no one.
    void restore_history(History::Entry entry) { history_.add(std::move(entry)); }

    // `member` goes away with `message` (may be empty), or is marked away
    // for idling: the room is told (unless too big), and so are they. If
    // already away, only the message changes.
    void set_away(Session& member, std::string message, bool idle);
    // `member` is back, if away: the room is told, and so are they.
    void set_back(Session& member);

protected:
    void on_unknown(Session& session, std::string_view verb) override;
    // Any command but those that keep one away brings an away member back.
    void before_command(Session& session, const CommandSpec* spec) override;

private:
    // Big rooms would drown in entered/left notices (SPEC §3).
    [[nodiscard]] bool announces(std::size_t members_with_subject) const;

    History history_;
    RoomTopic topic_;
};

// The ChatRoom behind a room known to be one (a command registered only for
// RoomKind::chat is dispatched only from a ChatRoom).
[[nodiscard]] ChatRoom& as_chat_room(Room& room);

}  // namespace natter
