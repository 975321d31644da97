// "kick <name> [reason]" (operators): disconnect a user, telling them why.
#include <spdlog/spdlog.h>

#include "src/cluster.hpp"
#include "src/command_registry.hpp"
#include "src/send_off.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void do_kick(CommandContext& ctx, std::string_view args) {
    const auto space = args.find(' ');
    const auto name = args.substr(0, space);
    const auto reason = space == std::string_view::npos ? std::string_view{} : trim(args.substr(space + 1));
    if (name.empty()) {
        ctx.session.send("Usage: kick <name> [reason]");
        return;
    }
    auto* target = ctx.world.find_user(name);
    if (auto* cluster = ctx.world.cluster(); target == nullptr && cluster != nullptr) {
        if (const auto* remote = cluster->find_remote(name); remote != nullptr) {
            const std::string kicked = remote->name;
            const std::string node = remote->node;
            if (cluster->kick(ctx.session, *remote, reason)) {
                spdlog::info("kick {} on node {} by {} ({})", kicked, node, ctx.session.name(), reason);
                ctx.session.send("Kicked " + kicked + ".");
                return;
            }
        }
    }
    if (target == nullptr) {
        ctx.session.send("No one called \"" + std::string{name} + "\" is logged in.");
        return;
    }
    if (target == &ctx.session) {
        ctx.session.send("You cannot kick yourself; use \"logout\".");
        return;
    }
    const std::string kicked = target->name();
    kick_off(*target, ctx.session.name(), reason);
    spdlog::info("kick {} by {} ({})", kicked, ctx.session.name(), reason);
    ctx.session.send("Kicked " + kicked + ".");
}

const Registration kick{{.name = "kick",
                         .rooms = RoomKind::chat,
                         .handler = do_kick,
                         .usage = "kick <name> [reason]",
                         .help = "(operators) disconnect a user",
                         .exact_only = true,
                         .operators_only = true}};

}  // namespace
}  // namespace natter::commands
