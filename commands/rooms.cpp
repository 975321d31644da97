// "rooms": the chat rooms and how many people are in each.
#include <fmt/format.h>

#include "rooms/room.hpp"
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
        ctx.session.send(fmt::format("{}: {} {}{}", room->name(), count, count == 1 ? "person" : "people",
                                     room.get() == &ctx.room ? " (you are here)" : ""));
    }
}

const Registration rooms{{.name = "rooms",
                          .rooms = RoomKind::chat,
                          .handler = do_rooms,
                          .usage = "rooms",
                          .help = "list the rooms and how many people are in each"}};

}  // namespace
}  // namespace natter::commands
