// "shutdown [seconds]" (operators): tell everyone, wait, then stop the
// server cleanly, as SIGTERM does.
#include <charconv>
#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "src/text.hpp"
#include "src/cluster.hpp"
#include "src/background.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

constexpr unsigned max_countdown_s = 3600;

void do_shutdown(CommandContext& ctx, std::string_view args) {
    // "all": every node of the cluster.
    const bool everywhere = args == "all" || args.starts_with("all ");
    if (everywhere) args = trim(args.substr(3));
    auto* cluster = ctx.world.cluster();
    if (everywhere && cluster == nullptr) {
        ctx.session.send("This server is not part of a cluster; use \"shutdown [seconds]\".");
        return;
    }
    unsigned seconds = 0;
    if (!args.empty()) {
        const auto [end, error] = std::from_chars(args.data(), args.data() + args.size(), seconds);
        if (error != std::errc{} || end != args.data() + args.size() || seconds > max_countdown_s) {
            ctx.session.send(fmt::format("Usage: shutdown [all] [seconds] (0 to {})", max_countdown_s));
            return;
        }
    }
    if (everywhere && !cluster->shut_down_all(ctx.session, seconds)) {
        ctx.session.send("The network link is down: only this server can be shut down now.");
        return;
    }
    spdlog::info("shutdown{} requested by {} in {} s", everywhere ? " of every node" : "", ctx.session.name(), seconds);
    ctx.world.schedule_shutdown(ctx.session.name(), seconds);
}

const Registration shutdown{{.name = "shutdown",
                             .rooms = RoomKind::chat,
                             .handler = do_shutdown,
                             .usage = "shutdown [all] [seconds]",
                             .help = "(operators) stop the server (all: every node of the cluster), after a countdown",
                             .exact_only = true,
                             .operators_only = true}};

}  // namespace
}  // namespace natter::commands
