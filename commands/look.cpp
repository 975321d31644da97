// "look": the room's topic, if it has one, and who is in the room, in order
// of arrival, with their descriptions and whether they are away.
#include "commands/user_lines.hpp"
#include "rooms/chat_room.hpp"
#include "src/names.hpp"
#include "src/cluster.hpp"
#include "src/world.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"

namespace natter::commands {
namespace {

void do_look(CommandContext& ctx, std::string_view) {
    // Before the classic list, so a script reading the list after its
    // first line reads names only.
    if (const auto& topic = as_chat_room(ctx.room).topic(); !topic.text.empty()) {
        ctx.session.send("The topic of " + ctx.room.name() + " is: " + topic.text);
    }
    ctx.session.send("The following are in this room:");
    for (const auto* member : ctx.room.members()) {
        ctx.session.send(name_and_description(*member) + bracketed({away_words(*member)}));
    }
    if (const auto* cluster = ctx.world.cluster()) {
        const auto here = name_key(ctx.room.name());
        for (const auto& [key, user] : cluster->remote_users()) {
            if (name_key(user.room) == here && ctx.world.find_user(user.name) == nullptr) ctx.session.send(user.name);
        }
    }
}

const Registration look{{.name = "look",
                         .rooms = RoomKind::chat,
                         .handler = do_look,
                         .usage = "look",
                         .help = "show the room's topic and the people in it",
                         .keeps_away = true}};

}  // namespace
}  // namespace natter::commands
