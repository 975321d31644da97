// "login <name>": leave the LoginRoom for the main room under a free name.
#include <spdlog/spdlog.h>

#include "rooms/room.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void do_login(CommandContext& ctx, std::string_view name) {
    if (name.empty()) {
        ctx.session.send("Please enter a name");
        return;
    }
    if (!is_valid_name(name)) {
        ctx.session.send("Invalid name \"" + std::string{name} + "\": " + std::string{valid_name_rule()} + ".");
        return;
    }
    if (ctx.world.find_user(name) != nullptr) {
        // Classic: these two lines, the name as typed.
        ctx.session.send("The name \"" + std::string{name} + "\" is taken.");
        ctx.session.send("Please try again.");
        return;
    }
    ctx.session.set_name(std::string{name});
    ctx.world.add_user(ctx.session);
    spdlog::info("login {} {}", ctx.session.address(), ctx.session.name());
    ctx.session.enter(ctx.world.main_room());
}

const Registration login{{.name = "login",
                          .rooms = RoomKind::login,
                          .handler = do_login,
                          .usage = "login <name>",
                          .help = "enter the chat under a name"}};

}  // namespace
}  // namespace natter::commands
