// "help [command]": the commands of this room, or one command's usage.
#include <algorithm>
#include <vector>

#include "rooms/room.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"

namespace natter::commands {
namespace {

void do_help(CommandContext& ctx, std::string_view topic) {
    if (!topic.empty()) {
        const auto verb = topic.substr(0, topic.find(' '));
        std::vector<const CommandSpec*> candidates;
        const auto* spec = ctx.room.find_command(verb, &candidates);
        // A shortcut (' or :) is a topic too.
        for (const auto* c : ctx.room.commands()) {
            if (spec != nullptr || verb.size() != 1) break;
            if (c->shortcuts.find(verb.front()) != std::string_view::npos) spec = c;
        }
        if (spec == nullptr && candidates.size() > 1) {
            std::string names;
            for (const auto* c : candidates) names += (names.empty() ? "" : ", ") + std::string{c->name};
            ctx.session.send("\"" + std::string{verb} + "\" could be: " + names + ".");
            return;
        }
        if (spec == nullptr) {
            ctx.session.send("No help for \"" + std::string{topic} + "\". Type \"help\" for the list.");
            return;
        }
        ctx.session.send("Usage: " + std::string{spec->usage});
        ctx.session.send(std::string{spec->help});
        return;
    }
    std::size_t width = 0;
    for (const auto* spec : ctx.room.commands()) width = std::max(width, spec->usage.size());
    ctx.session.send("Commands here:");
    for (const auto* spec : ctx.room.commands()) {
        std::string line{"  "};
        line.append(spec->usage).append(width - spec->usage.size() + 2, ' ').append(spec->help);
        ctx.session.send(line);
    }
}

const Registration help{{.name = "help",
                         .rooms = RoomKind::login | RoomKind::chat,
                         .handler = do_help,
                         .usage = "help [command]",
                         .help = "list the commands here, or show how to use one"}};

}  // namespace
}  // namespace natter::commands
