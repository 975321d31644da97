// "say <text>": speak to everyone in the room, yourself included.
#include <spdlog/spdlog.h>

#include "rooms/chat_room.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"

namespace natter::commands {
namespace {

void do_say(CommandContext& ctx, std::string_view text) {
    if (text.empty()) return;
    std::string line;
    line.reserve(ctx.session.name().size() + 2 + text.size());
    line.append(ctx.session.name()).append(": ").append(text);
    spdlog::info("say {} {}", ctx.room.name(), line);
    as_chat_room(ctx.room).speak(ctx.session, std::move(line));
}

const Registration say{{.name = "say",
                        .rooms = RoomKind::chat,
                        .handler = do_say,
                        .usage = "say <text>",
                        .help = "speak to everyone in the room (shortcuts: ' and \")",
                        .shortcuts = "'\""}};

}  // namespace
}  // namespace natter::commands
