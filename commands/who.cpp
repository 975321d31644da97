// "who": everyone logged in, in order of login.
#include "rooms/room.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void do_who(CommandContext& ctx, std::string_view) {
    ctx.session.send("The following are logged in:");
    for (const auto* user : ctx.world.users()) ctx.session.send(user->name());
}

const Registration who{{.name = "who",
                        .rooms = RoomKind::chat,
                        .handler = do_who,
                        .usage = "who",
                        .help = "list everyone logged in"}};

}  // namespace
}  // namespace natter::commands
