// "me <action>" (shortcut ":"): an emote; the room sees "<name> <action>".
#include <spdlog/spdlog.h>

#include "rooms/chat_room.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"

namespace natter::commands {
namespace {

void do_me(CommandContext& ctx, std::string_view action) {
    if (action.empty()) {
        ctx.session.send("Usage: me <action>");
        return;
    }
    spdlog::info("emote {} {} {}", ctx.room.name(), ctx.session.name(), action);
    as_chat_room(ctx.room).speak(ctx.session, EventKind::emote, action);
}

const Registration me{{.name = "me",
                       .rooms = RoomKind::chat,
                       .handler = do_me,
                       .usage = "me <action>",
                       .help = "act out something: \"me waves\" shows \"<you> waves\" (shortcut: :)",
                       .shortcuts = ":"}};

}  // namespace
}  // namespace natter::commands
