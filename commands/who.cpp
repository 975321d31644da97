// "who": everyone logged in, in order of login, each with the room they are
// in; and the same for GMCP clients that ask with Comm.Channel.Players.
#include <vector>

#include "rooms/room.hpp"
#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/config.hpp"
#include "src/gmcp_handlers.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void deliver_players(Session& session) {
    const auto& users = session.world().users();
    std::vector<std::string_view> names;
    std::vector<std::string_view> rooms;
    names.reserve(users.size());
    rooms.reserve(users.size());
    for (const auto* user : users) {
        names.push_back(user->name());
        rooms.push_back(user->room() == nullptr ? std::string_view{} : std::string_view{user->room()->name()});
    }
    session.deliver(Event{.kind = EventKind::players, .people = names, .rooms = rooms});
}

void do_who(CommandContext& ctx, std::string_view) {
    // A page or bot gets the list as data first, then the lines everyone gets.
    if (ctx.session.variant().json) deliver_players(ctx.session);
    ctx.session.send("The following are logged in:");
    const bool operator_view = ctx.world.accounts().is_operator(ctx.session);
    for (const auto* user : ctx.world.users()) {
        // The name first: scripts read the name, and SPEC §2 allows detail after it.
        const auto* room = user->room();
        auto line = room == nullptr ? user->name() : user->name() + " (" + room->name() + ")";
        if (operator_view) {
            // Addresses, and how each is connected, are for operators only.
            line += " from " + user->address() + " via " + std::string{listener_kind_name(user->listener_kind())};
        }
        ctx.session.send(line);
    }
}

void on_gmcp_players(Session& session, std::string_view) {
    if (session.variant().gmcp) deliver_players(session);
}

const GmcpRegistration gmcp_players{"Comm.Channel.Players", on_gmcp_players};

const Registration who{{.name = "who",
                        .rooms = RoomKind::chat,
                        .handler = do_who,
                        .usage = "who",
                        .help = "list everyone logged in, and the room each is in"}};

}  // namespace
}  // namespace natter::commands
