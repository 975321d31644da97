// "ignore [name]": stop a user's says, emotes, shouts, tells and mail
// reaching you (they are not told), or list whom you ignore. A registered
// name can be ignored while its owner is away; a registered user's list is
// kept for their next login.
#include <fmt/format.h>

#include "commands/account_flow.hpp"
#include "src/cluster.hpp"
#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

// Enough for anyone's pests; bounds what one user keeps.
constexpr std::size_t max_ignored = 100;

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
    const auto* cluster = ctx.world.cluster();
    const auto* remote = user == nullptr && cluster != nullptr ? cluster->find_remote(name) : nullptr;
    const bool registered = is_valid_name(name) && ctx.world.accounts().is_registered(name);
    if (user == nullptr && remote == nullptr && !registered) {
        ctx.session.send("No one called \"" + std::string{name} + "\" is logged in or registered.");
        return;
    }
    const std::string shown = user != nullptr ? user->name() : remote != nullptr ? remote->name : std::string{name};
    if (ctx.session.ignores_name(shown)) {
        ctx.session.send("You are already ignoring " + shown + ".");
        return;
    }
    if (ctx.session.ignored().size() >= max_ignored) {
        ctx.session.send(fmt::format("You are ignoring {} names already, the most there may be; \"unignore\" one "
                                     "first.",
                                     max_ignored));
        return;
    }
    ctx.session.ignore(shown);
    keep_setting(ctx.world, ctx.session, "ignore", ignore_setting(ctx.session));
    ctx.session.send("You are now ignoring " + shown + ".");
}

const Registration ignore{{.name = "ignore",
                           .rooms = RoomKind::chat,
                           .handler = do_ignore,
                           .usage = "ignore [name]",
                           .help = "hide someone's says, emotes, shouts, tells and mail from you; alone, list whom "
                                   "you ignore"}};

}  // namespace
}  // namespace natter::commands
