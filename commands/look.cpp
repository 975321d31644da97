// "look": who is in this room, in order of arrival.
#include "rooms/room.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"

namespace natter::commands {
namespace {

void do_look(CommandContext& ctx, std::string_view) {
    ctx.session.send("The following are in this room:");
    for (const auto* member : ctx.room.members()) ctx.session.send(member->name());
}

const Registration look{{.name = "look",
                         .rooms = RoomKind::chat,
                         .handler = do_look,
                         .usage = "look",
                         .help = "list the people in this room"}};

}  // namespace
}  // namespace natter::commands
