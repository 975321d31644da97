// "logout" (also "quit", "q"): leave, release the name and close.
#include "src/command_registry.hpp"
#include "src/session.hpp"

namespace natter::commands {
namespace {

void do_logout(CommandContext& ctx, std::string_view) { ctx.session.disconnect("logout"); }

const Registration logout{{.name = "logout",
                           .rooms = RoomKind::login | RoomKind::chat,
                           .handler = do_logout,
                           .usage = "logout",
                           .help = "leave and close the connection (also: quit, q)",
                           .aliases = {"quit", "q"},
                           .keeps_away = true}};  // no "is back" just before "has left"

}  // namespace
}  // namespace natter::commands
