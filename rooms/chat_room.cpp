#include "rooms/chat_room.hpp"

#include <algorithm>
#include <cassert>
#include <vector>

#include <fmt/format.h>

#include "src/cluster.hpp"
#include "src/session.hpp"
#include "src/time_text.hpp"
#include "src/world.hpp"

namespace natter {

ChatRoom::ChatRoom(World& world, std::string name)
    : Room{world, RoomKind::chat, std::move(name)}, history_{world.config().rooms.history_lines} {
    topic_.room = this->name();
}

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
    if (auto* cluster = world_.cluster()) cluster->entered(session, *this);
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
    if (!topic_.text.empty()) session.send("The topic of " + name() + " is: " + topic_.text);
}

void ChatRoom::remove(Session& session) {
    Room::remove(session);
    if (announces(members().size() + 1)) {
        broadcast(Event{.kind = EventKind::left, .actor = session.name(), .room = name()});
    }
    if (auto* cluster = world_.cluster()) cluster->left(session, *this);
    if (members().empty()) world_.room_emptied();
}

void ChatRoom::speak(const Session& speaker, EventKind kind, std::string_view text) {
    // In a cluster the line is shown when Redis has put it in order, so
    // that every node shows the same order.
    if (auto* cluster = world_.cluster(); cluster != nullptr && cluster->speak(speaker, *this, kind, text)) return;
    const auto now = world_.wall_now();
    broadcast(Event{.kind = kind, .actor = speaker.name(), .room = name(), .text = text, .at = now}, &speaker);
    history_.set_capacity(world_.config().rooms.history_lines);
    history_.add({.when = now, .kind = kind, .speaker = speaker.name(), .text = std::string{text}});
}

void ChatRoom::hear(EventKind kind, std::string_view speaker, std::string_view text,
                    History::WallClock::time_point when) {
    broadcast_from(Event{.kind = kind, .actor = speaker, .room = name(), .text = text, .at = when}, speaker);
    history_.set_capacity(world_.config().rooms.history_lines);
    history_.add({.when = when, .kind = kind, .speaker = std::string{speaker}, .text = std::string{text}});
}

void ChatRoom::remote_entered(std::string_view name) {
    if (members().empty() || !announces(members().size() + 1)) return;
    broadcast(Event{.kind = EventKind::entered, .actor = name, .room = this->name()});
}

void ChatRoom::remote_left(std::string_view name) {
    if (members().empty() || !announces(members().size() + 1)) return;
    broadcast(Event{.kind = EventKind::left, .actor = name, .room = this->name()});
}

void ChatRoom::lines_lost() {
    for (auto* member : members()) member->send("*** Some lines of this room were lost while the network link was down.");
}

const History& ChatRoom::history() {
    history_.set_capacity(world_.config().rooms.history_lines);
    return history_;
}

void ChatRoom::on_unknown(Session& session, std::string_view verb) {
    session.send("Unknown command: " + std::string{verb});
}

void ChatRoom::before_command(Session& session, const CommandSpec* spec) {
    if (session.away() && (spec == nullptr || !spec->keeps_away)) set_back(session);
}

void ChatRoom::set_topic(const Session& by, std::string text) {
    const auto set_at = std::chrono::duration_cast<std::chrono::seconds>(world_.wall_now().time_since_epoch());
    topic_ = RoomTopic{.room = name(), .text = std::move(text), .by = by.name(), .set_at = set_at.count()};
    broadcast(Event{.kind = EventKind::topic, .actor = by.name(), .room = name(), .text = topic_.text});
    if (world_.is_permanent(*this)) world_.keep_topic(topic_);
}

void ChatRoom::restore_topic(RoomTopic topic) {
    topic_ = std::move(topic);
    topic_.room = name();
}

void ChatRoom::set_away(Session& member, std::string message, bool idle) {
    auto& info = member.info_for_update();
    const bool was_away = info.away;
    info.away = true;
    info.away_idle = idle;
    info.away_message = std::move(message);
    if (idle) {
        member.send(fmt::format("You have been idle for {} and are marked away; type anything to come back.",
                                short_duration(std::chrono::seconds{world_.config().limits.auto_away_s})));
    } else if (info.away_message.empty()) {
        member.send("You are now away; any command but who, look and help brings you back.");
    } else {
        member.send("You are now away (" + info.away_message +
                    "); any command but who, look and help brings you back.");
    }
    if (was_away || !announces(members().size())) return;
    broadcast(Event{.kind = EventKind::away,
                    .actor = member.name(),
                    .room = name(),
                    .text = info.away_message,
                    .detail = idle ? std::string_view{"idle"} : std::string_view{}},
              &member, &member);
}

void ChatRoom::set_back(Session& member) {
    if (!member.away()) return;
    auto& info = member.info_for_update();
    info.away = false;
    info.away_idle = false;
    info.away_message.clear();
    member.send("You are back.");
    if (!announces(members().size())) return;
    broadcast(Event{.kind = EventKind::back, .actor = member.name(), .room = name()}, &member, &member);
}

}  // namespace natter
