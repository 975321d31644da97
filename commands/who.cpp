// "who [prefix]": everyone logged in (or those whose names start with the
// prefix), in order of login, each with their description, the room they
// are in, how long they have been idle and whether they are away; and the
// same for GMCP clients that ask with Comm.Channel.Players.
#include <algorithm>
#include <span>
#include <vector>

#include "commands/user_lines.hpp"
#include "rooms/room.hpp"
#include "src/cluster.hpp"
#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/config.hpp"
#include "src/gmcp_handlers.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void deliver_players(Session& session, std::span<const Session* const> users) {
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

void do_who(CommandContext& ctx, std::string_view prefix) {
    const auto key = name_key(prefix);
    std::vector<const Session*> shown;
    for (const auto* user : ctx.world.users()) {
        if (name_key(user->name()).starts_with(key)) shown.push_back(user);
    }
    std::vector<const Cluster::RemoteUser*> elsewhere;
    if (const auto* cluster = ctx.world.cluster()) {
        for (const auto& [user_key, user] : cluster->remote_users()) {
            if (user_key.starts_with(key) && ctx.world.find_user(user.name) == nullptr) elsewhere.push_back(&user);
        }
        std::sort(elsewhere.begin(), elsewhere.end(),
                  [](const auto* a, const auto* b) { return name_key(a->name) < name_key(b->name); });
    }
    if (shown.empty() && elsewhere.empty()) {
        ctx.session.send("No one logged in has a name starting with \"" + std::string{prefix} + "\".");
        return;
    }
    // A page or bot gets the list as data first (the same people as the
    // lines), then the lines everyone gets.
    if (ctx.session.variant().json) deliver_players(ctx.session, shown);
    ctx.session.send("The following are logged in:");
    const bool operator_view = ctx.world.accounts().is_operator(ctx.session);
    for (const auto* user : shown) {
        // The name first: scripts read the name, and SPEC §2 allows detail after it.
        const auto* room = user->room();
        auto line = name_and_description(*user) +
                    bracketed({room == nullptr ? std::string{} : room->name(), idle_words(*user), away_words(*user)});
        if (operator_view) {
            // Addresses, and how each is connected, are for operators only.
            line += " from " + user->address() + " via " + std::string{listener_kind_name(user->listener_kind())} +
                    (user->encrypted() ? "+tls" : "");
        }
        ctx.session.send(line);
    }
    // People on other nodes: what this node knows of them.
    for (const auto* user : elsewhere) {
        ctx.session.send(user->name + bracketed({user->room}) + (operator_view ? " on node " + user->node : std::string{}));
    }
}

void on_gmcp_players(Session& session, std::string_view) {
    if (!session.variant().gmcp) return;
    const auto& users = session.world().users();
    deliver_players(session, std::vector<const Session*>{users.begin(), users.end()});
}

const GmcpRegistration gmcp_players{"Comm.Channel.Players", on_gmcp_players};

const Registration who{{.name = "who",
                        .rooms = RoomKind::chat,
                        .handler = do_who,
                        .usage = "who [prefix]",
                        .help = "list everyone logged in (or those whose names start with the prefix): room, idle "
                                "time, away, description",
                        .keeps_away = true}};

}  // namespace
}  // namespace natter::commands
