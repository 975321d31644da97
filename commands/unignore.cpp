// "unignore <name>": let an ignored user's lines reach you again.
#include "commands/account_flow.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"

namespace natter::commands {
namespace {

void do_unignore(CommandContext& ctx, std::string_view name) {
    if (name.empty()) {
        ctx.session.send("Usage: unignore <name>; type \"ignore\" for the list.");
        return;
    }
    // No lookup: the ignored person may have left, and the name still counts.
    if (!ctx.session.unignore(name)) {
        ctx.session.send("You are not ignoring \"" + std::string{name} + "\".");
        return;
    }
    keep_setting(ctx.world, ctx.session, "ignore", ignore_setting(ctx.session));
    ctx.session.send("You are no longer ignoring " + std::string{name} + ".");
}

const Registration unignore{{.name = "unignore",
                             .rooms = RoomKind::chat,
                             .handler = do_unignore,
                             .usage = "unignore <name>",
                             .help = "undo an ignore"}};

}  // namespace
}  // namespace natter::commands
