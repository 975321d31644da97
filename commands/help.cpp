// "help [command]": the commands of this room (operator commands only to
// operators), or one command's usage.
#include <algorithm>
#include <vector>

#include "rooms/room.hpp"
#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

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
    // Operator commands are for operators to see; anyone may still ask
    // `help <cmd>` about one (and is refused if they try it).
    const bool operator_view = ctx.world.accounts().is_operator(ctx.session);
    std::vector<const CommandSpec*> listed;
    for (const auto* spec : ctx.room.commands()) {
        if (operator_view || !spec->operators_only) listed.push_back(spec);
    }
    std::size_t width = 0;
    for (const auto* spec : listed) width = std::max(width, spec->usage.size());
    ctx.session.send("Commands here:");
    for (const auto* spec : listed) {
        std::string line{"  "};
        line.append(spec->usage).append(width - spec->usage.size() + 2, ' ').append(spec->help);
        ctx.session.send(line);
    }
}

const Registration help{{.name = "help",
                         .rooms = RoomKind::login | RoomKind::chat,
                         .handler = do_help,
                         .usage = "help [command]",
                         .help = "list the commands here, or show how to use one",
                         .keeps_away = true}};

}  // namespace
}  // namespace natter::commands
