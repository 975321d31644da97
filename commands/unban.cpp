// "unban <name|address>" (operators): lift a ban.
#include <spdlog/spdlog.h>

#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void do_unban(CommandContext& ctx, std::string_view target) {
    if (target.empty() || target.find(' ') != std::string_view::npos) {
        ctx.session.send("Usage: unban <name|address>");
        return;
    }
    auto& world = ctx.world;
    world.accounts().unban(std::string{target}, [&world, id = ctx.session.id(), target = std::string{target}](
                                                    Result<bool> lifted) {
        if (!lifted) spdlog::error("unban {}: account database: {}", target, lifted.error().message);
        if (lifted && *lifted) spdlog::info("unban {}", target);
        auto* op = world.find_session(id);
        if (op == nullptr || op->closing()) return;
        if (!lifted) {
            op->send("Sorry, the ban on " + target + " could not be lifted. Try again later.");
        } else {
            op->send(*lifted ? "Unbanned " + target + "." : target + " was not banned.");
        }
    });
}

const Registration unban{{.name = "unban",
                          .rooms = RoomKind::chat,
                          .handler = do_unban,
                          .usage = "unban <name|address>",
                          .help = "(operators) lift a ban",
                          .exact_only = true,
                          .operators_only = true}};

}  // namespace
}  // namespace natter::commands
