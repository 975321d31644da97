// "topic [text|clear]": shows or sets the room's topic, which newcomers see
// and `look` and `rooms` show. A permanent room's topic outlives restarts
// and, with [rooms] topic_by = "operators", only operators set it.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "rooms/chat_room.hpp"
#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/time_text.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

constexpr std::size_t max_topic = 100;  // characters

void do_topic(CommandContext& ctx, std::string_view text) {
    auto& room = as_chat_room(ctx.room);
    if (text.empty()) {
        const auto& topic = room.topic();
        if (topic.text.empty()) {
            ctx.session.send(room.name() + " has no topic; set one with \"topic <text>\".");
        } else {
            ctx.session.send("The topic of " + room.name() + " is: " + topic.text);
            ctx.session.send("  (set by " + topic.by + ", " + utc_date_time(topic.set_at) + ")");
        }
        return;
    }
    if (ctx.world.is_permanent(room) && ctx.world.config().rooms.topic_by == Config::Rooms::TopicBy::operators &&
        !ctx.world.accounts().is_operator(ctx.session)) {
        ctx.session.send("Only operators may set the topic of " + room.name() + ".");
        return;
    }
    const auto kept = text == "clear" ? std::string_view{} : cut_characters(text, max_topic);
    spdlog::info("topic {} {}: {}", room.name(), ctx.session.name(), kept);
    room.set_topic(ctx.session, std::string{kept});
    if (kept.size() < text.size() && !kept.empty()) {
        ctx.session.send(fmt::format("(The topic was cut to {} characters.)", max_topic));
    }
}

const Registration topic{{.name = "topic",
                          .rooms = RoomKind::chat,
                          .handler = do_topic,
                          .usage = "topic [text|clear]",
                          .help = "show the room's topic, or set or clear it"}};

}  // namespace
}  // namespace natter::commands
