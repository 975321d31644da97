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
    std::string line;
    line.reserve(ctx.session.name().size() + 1 + action.size());
    line.append(ctx.session.name()).append(" ").append(action);
    spdlog::info("emote {} {}", ctx.room.name(), line);
    as_chat_room(ctx.room).speak(ctx.session, std::move(line));
}

const Registration me{{.name = "me",
                       .rooms = RoomKind::chat,
                       .handler = do_me,
                       .usage = "me <action>",
                       .help = "act out something: \"me waves\" shows \"<you> waves\" (shortcut: :)",
                       .shortcuts = ":"}};

}  // namespace
}  // namespace natter::commands
