// "announce <text>" (operators): one line to everyone logged in, in any room.
#include <spdlog/spdlog.h>

#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void do_announce(CommandContext& ctx, std::string_view text) {
    if (text.empty()) {
        ctx.session.send("Usage: announce <text>");
        return;
    }
    const std::string line = "*** Announcement from " + ctx.session.name() + ": " + std::string{text};
    spdlog::info("announce {}", line);
    for (auto* user : ctx.world.users()) user->send(line);
}

const Registration announce{{.name = "announce",
                             .rooms = RoomKind::chat,
                             .handler = do_announce,
                             .usage = "announce <text>",
                             .help = "(operators) send a line to everyone logged in",
                             .exact_only = true,
                             .operators_only = true}};

}  // namespace
}  // namespace natter::commands
