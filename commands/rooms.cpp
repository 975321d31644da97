// "rooms": the chat rooms, how many people are in each, and their topics.
#include <map>

#include <fmt/format.h>

#include "rooms/chat_room.hpp"
#include "src/names.hpp"
#include "src/cluster.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void do_rooms(CommandContext& ctx, std::string_view) {
    // People on other nodes count where they are; rooms only they are in
    // are listed after this node's.
    std::map<std::string, std::pair<std::string, std::size_t>> remote;  // room key → (name, count)
    if (const auto* cluster = ctx.world.cluster()) {
        for (const auto& [key, user] : cluster->remote_users()) {
            if (user.room.empty() || ctx.world.find_user(user.name) != nullptr) continue;
            auto& entry = remote[name_key(user.room)];
            entry.first = user.room;
            ++entry.second;
        }
    }
    ctx.session.send("The following rooms are open:");
    for (const auto& room : ctx.world.chat_rooms()) {
        std::size_t count = room->members().size();
        if (const auto it = remote.find(name_key(room->name())); it != remote.end()) {
            count += it->second.second;
            remote.erase(it);
        }
        // A created room that has just emptied is gone for users, even
        // before the world removes it.
        if (count == 0 && !ctx.world.is_permanent(*room)) continue;
        const auto& topic = as_chat_room(*room).topic().text;
        ctx.session.send(fmt::format("{}: {} {}{}{}", room->name(), count, count == 1 ? "person" : "people",
                                     room.get() == &ctx.room ? " (you are here)" : "",
                                     topic.empty() ? std::string{} : ", topic: " + topic));
    }
    for (const auto& [key, entry] : remote) {
        ctx.session.send(fmt::format("{}: {} {}", entry.first, entry.second, entry.second == 1 ? "person" : "people"));
    }
}

const Registration rooms{{.name = "rooms",
                          .rooms = RoomKind::chat,
                          .handler = do_rooms,
                          .usage = "rooms",
                          .help = "list the rooms and how many people are in each"}};

}  // namespace
}  // namespace natter::commands
