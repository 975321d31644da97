// "ignore [name]": stop a user's says, emotes and tells reaching you (they
// are not told), or list whom you ignore.
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void list_ignored(CommandContext& ctx) {
    if (ctx.session.ignored().empty()) {
        ctx.session.send("You are not ignoring anyone.");
        return;
    }
    std::string names;
    for (const auto& key : ctx.session.ignored()) {
        // Shown as the person spells it while they are here.
        const auto* user = ctx.world.find_user(key);
        names.append(names.empty() ? "" : ", ").append(user != nullptr ? user->name() : key);
    }
    ctx.session.send("You are ignoring: " + names);
}

void do_ignore(CommandContext& ctx, std::string_view name) {
    if (name.empty()) {
        list_ignored(ctx);
        return;
    }
    if (name_key(name) == name_key(ctx.session.name())) {
        ctx.session.send("You cannot ignore yourself.");
        return;
    }
    const auto* user = ctx.world.find_user(name);
    if (user == nullptr) {
        ctx.session.send("No one called \"" + std::string{name} + "\" is logged in.");
        return;
    }
    if (!ctx.session.ignore(user->name())) {
        ctx.session.send("You are already ignoring " + user->name() + ".");
        return;
    }
    ctx.session.send("You are now ignoring " + user->name() + ".");
}

const Registration ignore{{.name = "ignore",
                           .rooms = RoomKind::chat,
                           .handler = do_ignore,
                           .usage = "ignore [name]",
                           .help = "hide someone's says, emotes and tells from you; alone, list whom you ignore"}};

}  // namespace
}  // namespace natter::commands
