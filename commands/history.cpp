// "history": the room's recent says and emotes, with their times.
#include <algorithm>

#include "rooms/chat_room.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/render/event_text.hpp"
#include "src/session.hpp"

namespace natter::commands {
namespace {

void do_history(CommandContext& ctx, std::string_view) {
    const auto& history = as_chat_room(ctx.room).history();
    const auto& ignored = ctx.session.ignored();
    bool any = false;
    for (std::size_t i = 0; i < history.size(); ++i) {
        const auto& entry = history[i];
        // Ignoring someone hides their past lines too.
        if (std::find(ignored.begin(), ignored.end(), name_key(entry.speaker)) != ignored.end()) continue;
        if (!any) ctx.session.send("Recent messages in " + ctx.room.name() + " (times in UTC):");
        any = true;
        // The line as this reader's client shows it, colour and all.
        std::string line = "[" + clock_time(entry.when) + "] ";
        append_event_text(Event{.kind = entry.kind, .actor = entry.speaker, .text = entry.text},
                          ctx.session.variant().colour, line);
        ctx.session.send(line);
    }
    if (!any) ctx.session.send("Nothing has been said in " + ctx.room.name() + " lately.");
}

const Registration history{{.name = "history",
                            .rooms = RoomKind::chat,
                            .handler = do_history,
                            .usage = "history",
                            .help = "show the room's recent messages with their times"}};

}  // namespace
}  // namespace natter::commands
