// "join <room>" (also "go"): move to another room, creating it if allowed.
#include <spdlog/spdlog.h>

#include "rooms/room.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void do_join(CommandContext& ctx, std::string_view name) {
    if (name.empty()) {
        ctx.session.send("Usage: join <room>. You are in " + ctx.room.name() + "; type \"rooms\" for the list.");
        return;
    }
    if (!is_valid_name(name)) {
        ctx.session.send("Invalid room name \"" + std::string{name} + "\": " + std::string{valid_name_rule()} + ".");
        return;
    }
    auto* target = ctx.world.find_room(name);
    if (target == &ctx.room) {
        ctx.session.send("You are already in " + ctx.room.name() + ".");
        return;
    }
    if (target == nullptr) {
        if (!ctx.world.config().rooms.create_on_join) {
            ctx.session.send("There is no room called \"" + std::string{name} +
                             "\"; type \"rooms\" for the list.");
            return;
        }
        target = &ctx.world.create_room(std::string{name});
        ctx.session.send("You create the room " + target->name() + ".");
    }
    spdlog::info("join {} {} -> {}", ctx.session.name(), ctx.room.name(), target->name());
    // The old room gets the left notice, the new one the entered notice. An
    // emptied created room outlives this call: the world removes it later.
    // Told first, so the room's own lines to a newcomer (its topic) follow.
    ctx.session.send("You are now in " + target->name() + ".");
    ctx.session.enter(*target);
}

const Registration join{{.name = "join",
                         .rooms = RoomKind::chat,
                         .handler = do_join,
                         .usage = "join <room>",
                         .help = "move to another room, creating it if it does not exist (also: go)",
                         .aliases = {"go"}}};

}  // namespace
}  // namespace natter::commands
