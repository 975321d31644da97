// "rooms": the chat rooms, how many people are in each, and their topics.
#include <fmt/format.h>

#include "rooms/chat_room.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void do_rooms(CommandContext& ctx, std::string_view) {
    ctx.session.send("The following rooms are open:");
    for (const auto& room : ctx.world.chat_rooms()) {
        const auto count = room->members().size();
        // A created room that has just emptied is gone for users, even
        // before the world removes it.
        if (count == 0 && !ctx.world.is_permanent(*room)) continue;
        const auto& topic = as_chat_room(*room).topic().text;
        ctx.session.send(fmt::format("{}: {} {}{}{}", room->name(), count, count == 1 ? "person" : "people",
                                     room.get() == &ctx.room ? " (you are here)" : "",
                                     topic.empty() ? std::string{} : ", topic: " + topic));
    }
}

const Registration rooms{{.name = "rooms",
                          .rooms = RoomKind::chat,
                          .handler = do_rooms,
                          .usage = "rooms",
                          .help = "list the rooms and how many people are in each"}};

}  // namespace
}  // namespace natter::commands
