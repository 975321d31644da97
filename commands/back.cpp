// "back": you are no longer away (as any command but who, look and help).
#include "rooms/chat_room.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"

namespace natter::commands {
namespace {

void do_back(CommandContext& ctx, std::string_view) {
    if (!ctx.session.away()) {
        ctx.session.send("You are not away.");
        return;
    }
    as_chat_room(ctx.room).set_back(ctx.session);
}

const Registration back{{.name = "back",
                         .rooms = RoomKind::chat,
                         .handler = do_back,
                         .usage = "back",
                         .help = "say you are back after \"away\"",
                         .keeps_away = true}};  // it does the coming back itself

}  // namespace
}  // namespace natter::commands
