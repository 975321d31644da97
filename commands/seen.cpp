// "seen <name>": when someone was last here: now, earlier in this run of
// the server (any name), or, for a registered name, at their last visit as
// the account store keeps it.
#include <chrono>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>

#include "commands/user_lines.hpp"
#include "rooms/room.hpp"
#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/time_text.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

std::int64_t unix_seconds(World::WallClock::time_point when) {
    return std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
}

std::string last_here(World& world, std::string_view name, std::int64_t when) {
    const auto ago = std::chrono::seconds{unix_seconds(world.wall_now()) - when};
    return std::string{name} + " was last here " + short_duration(ago) + " ago (" + utc_date_time(when) + ").";
}

void do_seen(CommandContext& ctx, std::string_view name) {
    auto& world = ctx.world;
    if (name.empty()) {
        ctx.session.send("Usage: seen <name>");
        return;
    }
    if (const auto* user = world.find_user(name)) {
        if (user == &ctx.session) {
            ctx.session.send("You are here now.");
            return;
        }
        const auto* room = user->room();
        ctx.session.send(user->name() + " is here now" + (room != nullptr ? ", in " + room->name() : std::string{}) +
                         bracketed({idle_words(*user), away_words(*user)}) + ".");
        return;
    }
    if (const auto seen = world.seen().find(name)) {
        ctx.session.send(last_here(world, seen->name, unix_seconds(seen->when)));
        return;
    }
    const std::string typed{name};
    if (!is_valid_name(name) || !world.accounts().is_registered(name)) {
        ctx.session.send("No one called \"" + typed + "\" has been here since the server started.");
        return;
    }
    world.accounts().card(typed, [&world, id = ctx.session.id(), typed](Result<std::optional<AccountStore::Card>> card) {
        auto* viewer = world.find_session(id);
        if (viewer == nullptr || viewer->closing()) return;
        if (!card) {
            spdlog::error("seen {}: account database: {}", typed, card.error().message);
            viewer->send("Sorry, the account database is not available. Try again later.");
            return;
        }
        if (!*card) {
            viewer->send("No one called \"" + typed + "\" has been here since the server started.");
            return;
        }
        viewer->send(last_here(world, (*card)->name, std::max((*card)->last_seen, (*card)->last_login)));
    });
}

const Registration seen{{.name = "seen",
                         .rooms = RoomKind::chat,
                         .handler = do_seen,
                         .usage = "seen <name>",
                         .help = "say when someone was last here"}};

}  // namespace
}  // namespace natter::commands
