// "reboot [reason]" (operators): restart natterd in place with the binary on
// disk, keeping every connection that can cross (see Server's hot restart).
// The command only asks; the network layer checks the new binary first and
// tells the operator if it will not start.
#include <spdlog/spdlog.h>

#include "src/cluster.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

constexpr std::size_t max_reason = 100;

void do_reboot(CommandContext& ctx, std::string_view args) {
    if (ctx.world.reboot_requested()) {
        ctx.session.send("A restart is already under way.");
        return;
    }
    // "all": every node of the cluster, each checking its own binary.
    args = trim(args);
    const bool everywhere = args == "all" || args.starts_with("all ");
    if (everywhere) {
        args = trim(args.substr(3));
        auto* cluster = ctx.world.cluster();
        if (cluster == nullptr) {
            ctx.session.send("This server is not part of a cluster; use \"reboot [reason]\".");
            return;
        }
        if (!cluster->reboot_all(ctx.session, cut_characters(args, max_reason))) {
            ctx.session.send("The network link is down: only this server can be restarted now.");
            return;
        }
    }
    std::string reason{cut_characters(trim(args), max_reason)};
    spdlog::info("restart requested by {}{}{}", ctx.session.name(), reason.empty() ? "" : ": ", reason);
    ctx.session.send("Checking the new binary before restarting…");
    ctx.world.request_reboot(std::move(reason), ctx.session.id());
}

const Registration reboot{{.name = "reboot",
                           .rooms = RoomKind::chat,
                           .handler = do_reboot,
                           .usage = "reboot [all] [reason]",
                           .help = "(operators) restart the server (all: every node of the cluster) in place, keeping "
                                   "everyone connected",
                           .exact_only = true,
                           .operators_only = true}};

}  // namespace
}  // namespace natter::commands
