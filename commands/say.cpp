// "say <text>": speak to everyone in the room, yourself included.
#include <spdlog/spdlog.h>

#include "rooms/chat_room.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"

namespace natter::commands {
namespace {

void do_say(CommandContext& ctx, std::string_view text) {
    if (text.empty()) return;
    spdlog::info("say {} {}: {}", ctx.room.name(), ctx.session.name(), text);
    as_chat_room(ctx.room).speak(ctx.session, EventKind::say, text);
}

const Registration say{{.name = "say",
                        .rooms = RoomKind::chat,
                        .handler = do_say,
                        .usage = "say <text>",
                        .help = "speak to everyone in the room (shortcuts: ' and \")",
                        .shortcuts = "'\""}};

}  // namespace
}  // namespace natter::commands
