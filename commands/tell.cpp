// "tell <name> <text>": a private message to one user.
#include "commands/tell.hpp"

#include <spdlog/spdlog.h>

#include "commands/user_lines.hpp"
#include "src/cluster.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/world.hpp"

namespace natter::commands {

void send_tell(CommandContext& ctx, std::string_view name, std::string_view text) {
    if (name_key(name) == name_key(ctx.session.name())) {
        ctx.session.send("You cannot tell yourself anything; use \"say\" to talk to the room.");
        return;
    }
    auto* receiver = ctx.world.find_user(name);
    if (auto* cluster = ctx.world.cluster(); receiver == nullptr && cluster != nullptr) {
        if (const auto* remote = cluster->find_remote(name); remote != nullptr && cluster->tell(ctx.session, *remote, text)) {
            spdlog::info("tell {} -> {} on node {}", ctx.session.name(), remote->name, remote->node);
            ctx.session.deliver(
                Event{.kind = EventKind::tell_sent, .actor = ctx.session.name(), .target = remote->name, .text = text});
            return;
        }
    }
    if (receiver == nullptr) {
        ctx.session.send("No one called \"" + std::string{name} + "\" is logged in.");
        return;
    }
    // Privacy: the log records that a tell happened, not what it said.
    spdlog::info("tell {} -> {}", ctx.session.name(), receiver->name());
    if (!receiver->ignores(ctx.session)) {
        receiver->deliver(Event{.kind = EventKind::tell, .actor = ctx.session.name(), .target = receiver->name(), .text = text});
        receiver->set_reply_to(ctx.session.name());
    }
    ctx.session.deliver(
        Event{.kind = EventKind::tell_sent, .actor = ctx.session.name(), .target = receiver->name(), .text = text});
    // The away message answers for them (also when they ignore the sender,
    // so ignoring stays unseen).
    if (receiver->away()) {
        const bool idle = receiver->info()->away_idle;
        ctx.session.send(receiver->name() + " is " + away_words(*receiver) +
                         (idle ? bracketed({idle_words(*receiver)}) : std::string{}) + ".");
    }
}

namespace {

void do_tell(CommandContext& ctx, std::string_view args) {
    const auto space = args.find_first_of(" \t");
    const auto text = space == std::string_view::npos ? std::string_view{} : trim(args.substr(space + 1));
    if (text.empty()) {
        ctx.session.send("Usage: tell <name> <text>");
        return;
    }
    send_tell(ctx, args.substr(0, space), text);
}

const Registration tell{{.name = "tell",
                         .rooms = RoomKind::chat,
                         .handler = do_tell,
                         .usage = "tell <name> <text>",
                         .help = "send a private message to one person, in any room"}};

}  // namespace
}  // namespace natter::commands
