// "announce <text>" (operators): one line to everyone logged in, in any room.
#include <spdlog/spdlog.h>

#include "src/cluster.hpp"
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
    spdlog::info("announce {}: {}", ctx.session.name(), text);
    ctx.world.broadcast_to_users(Event{.kind = EventKind::announce, .actor = ctx.session.name(), .text = text});
    if (auto* cluster = ctx.world.cluster()) cluster->announce(ctx.session, text);
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
