// "who": everyone logged in, in order of login, each with the room they are in.
#include "rooms/room.hpp"
#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void do_who(CommandContext& ctx, std::string_view) {
    ctx.session.send("The following are logged in:");
    const bool operator_view = ctx.world.accounts().is_operator(ctx.session);
    for (const auto* user : ctx.world.users()) {
        // The name first: scripts read the name, and SPEC §2 allows detail after it.
        const auto* room = user->room();
        auto line = room == nullptr ? user->name() : user->name() + " (" + room->name() + ")";
        if (operator_view) line += " from " + user->address();  // addresses are for operators only
        ctx.session.send(line);
    }
}

const Registration who{{.name = "who",
                        .rooms = RoomKind::chat,
                        .handler = do_who,
                        .usage = "who",
                        .help = "list everyone logged in, and the room each is in"}};

}  // namespace
}  // namespace natter::commands
