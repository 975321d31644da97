// "shutdown [seconds]" (operators): tell everyone, wait, then stop the
// server cleanly, as SIGTERM does.
#include <charconv>
#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "src/background.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

constexpr unsigned max_countdown_s = 3600;

void do_shutdown(CommandContext& ctx, std::string_view args) {
    unsigned seconds = 0;
    if (!args.empty()) {
        const auto [end, error] = std::from_chars(args.data(), args.data() + args.size(), seconds);
        if (error != std::errc{} || end != args.data() + args.size() || seconds > max_countdown_s) {
            ctx.session.send(fmt::format("Usage: shutdown [seconds] (0 to {})", max_countdown_s));
            return;
        }
    }
    spdlog::info("shutdown requested by {} in {} s", ctx.session.name(), seconds);
    const auto notice = fmt::format("*** {} is shutting the server down in {} second{}.", ctx.session.name(), seconds,
                                    seconds == 1 ? "" : "s");
    ctx.world.broadcast_to_sessions(Event{.kind = EventKind::notice, .text = notice});
    auto& world = ctx.world;
    if (seconds == 0) {
        world.request_stop();
        return;
    }
    world.background()->after(std::chrono::seconds{seconds}, [&world] { world.request_stop(); });
}

const Registration shutdown{{.name = "shutdown",
                             .rooms = RoomKind::chat,
                             .handler = do_shutdown,
                             .usage = "shutdown [seconds]",
                             .help = "(operators) stop the server, after a countdown",
                             .exact_only = true,
                             .operators_only = true}};

}  // namespace
}  // namespace natter::commands
