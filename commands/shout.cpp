// "shout <text>": to everyone logged in, in every room; "shout :waves" is
// an emote shouted (as is `shemote`).
#include "commands/shout.hpp"

#include <spdlog/spdlog.h>

#include "rooms/room.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/world.hpp"

namespace natter::commands {

void send_shout(CommandContext& ctx, EventKind kind, std::string_view text) {
    if (!ctx.world.config().rooms.allow_shout) {
        ctx.session.send("Shouting is turned off on this server; \"say\" speaks to the room.");
        return;
    }
    if (text.empty()) {
        ctx.session.send(kind == EventKind::shout ? "Usage: shout <text>" : "Usage: shemote <action>");
        return;
    }
    spdlog::info("{} {}: {}", kind == EventKind::shout ? "shout" : "shemote", ctx.session.name(), text);
    ctx.world.broadcast_to_users(Event{.kind = kind,
                                       .actor = ctx.session.name(),
                                       .room = ctx.room.name(),
                                       .text = text,
                                       .at = ctx.world.wall_now()},
                                 &ctx.session);
}

namespace {

void do_shout(CommandContext& ctx, std::string_view text) {
    if (text.starts_with(':')) {
        send_shout(ctx, EventKind::shout_emote, trim(text.substr(1)));
        return;
    }
    send_shout(ctx, EventKind::shout, text);
}

const Registration shout{{.name = "shout",
                          .rooms = RoomKind::chat,
                          .handler = do_shout,
                          .usage = "shout <text>",
                          .help = "say something to everyone logged in, in every room (\"shout :waves\" shouts "
                                  "an emote)"}};

}  // namespace
}  // namespace natter::commands
