// "history": the room's recent says and emotes, with their times. In a
// cluster, as Redis keeps them (the same lines in the same order on every
// node); while the link is down, as this node heard them.
#include <algorithm>
#include <vector>

#include <spdlog/spdlog.h>

#include "rooms/chat_room.hpp"
#include "src/cluster.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/render/event_text.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

template <class Entries>
void show(Session& session, const std::string& room, const Entries& entries, std::size_t count) {
    const auto& ignored = session.ignored();
    bool any = false;
    for (std::size_t i = 0; i < count; ++i) {
        const History::Entry& entry = entries[i];
        // Ignoring someone hides their past lines too.
        if (std::find(ignored.begin(), ignored.end(), name_key(entry.speaker)) != ignored.end()) continue;
        if (!any) session.send("Recent messages in " + room + " (times in UTC):");
        any = true;
        // The line as this reader's client shows it, colour and all.
        std::string line = "[" + clock_time(entry.when) + "] ";
        append_event_text(Event{.kind = entry.kind, .actor = entry.speaker, .text = entry.text},
                          session.variant().colour, line);
        session.send(line);
    }
    if (!any) session.send("Nothing has been said in " + room + " lately.");
}

void do_history(CommandContext& ctx, std::string_view) {
    auto& room = as_chat_room(ctx.room);
    auto* cluster = ctx.world.cluster();
    const auto lines = ctx.world.config().rooms.history_lines;
    if (cluster == nullptr || !cluster->up() || lines == 0) {
        const auto& history = room.history();
        show(ctx.session, room.name(), history, history.size());
        return;
    }
    // Input waits for the answer, so that lines typed after `history` come after it.
    ctx.session.hold_input();
    cluster->history(room, lines, [&world = ctx.world, id = ctx.session.id(), name = room.name()](
                                      Result<std::vector<History::Entry>> entries) {
        auto* session = world.find_session(id);
        if (session == nullptr || session->closing()) return;
        auto* here = world.find_room(name);
        if (entries) {
            show(*session, name, *entries, entries->size());
        } else if (here != nullptr && here->kind() == RoomKind::chat) {
            spdlog::warn("history of {} from Redis: {}", name, entries.error().message);
            const auto& history = as_chat_room(*here).history();
            show(*session, name, history, history.size());
        }
        session->release_input();
    });
}

const Registration history{{.name = "history",
                            .rooms = RoomKind::chat,
                            .handler = do_history,
                            .usage = "history",
                            .help = "show the room's recent messages with their times"}};

}  // namespace
}  // namespace natter::commands
