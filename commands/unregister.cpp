// "unregister <name>" (operators): remove an account, and what belongs to
// it; its owner, if online, is told and goes on as a guest.
#include <spdlog/spdlog.h>

#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void finish_unregister(World& world, std::uint64_t id, const std::string& op_name, const std::string& name,
                       Result<bool> removed) {
    if (!removed) spdlog::error("unregister {}: account database: {}", name, removed.error().message);
    if (removed && *removed) {
        spdlog::info("unregister {} by {}", name, op_name);
        if (auto* owner = world.find_user(name); owner != nullptr && !owner->closing()) {
            owner->set_authenticated(false);
            owner->send("*** " + op_name + " removed your account; you are a guest now, and the name is free once "
                        "you leave.");
        }
    }
    auto* op = world.find_session(id);
    if (op == nullptr || op->closing()) return;
    if (!removed) {
        op->send("Sorry, the account could not be removed. Try again later.");
    } else if (!*removed) {
        op->send("There is no account \"" + name + "\".");
    } else {
        op->send("Removed the account " + name + ".");
    }
}

void do_unregister(CommandContext& ctx, std::string_view name) {
    if (name.empty() || !is_valid_name(name)) {
        ctx.session.send("Usage: unregister <name>");
        return;
    }
    auto& accounts = ctx.world.accounts();
    if (accounts.is_operator_name(name)) {
        // Else an operator could be left unable to prove the name again.
        ctx.session.send("\"" + std::string{name} + "\" is an operator: take it out of [operators] names first.");
        return;
    }
    if (!accounts.is_registered(name)) {
        ctx.session.send("There is no account \"" + std::string{name} + "\".");
        return;
    }
    auto& world = ctx.world;
    accounts.remove(std::string{name}, AccountStore::Which::any,
                    [&world, id = ctx.session.id(), op_name = ctx.session.name(),
                     name = std::string{name}](Result<bool> removed) {
                        finish_unregister(world, id, op_name, name, std::move(removed));
                    });
}

const Registration unregister{{.name = "unregister",
                               .rooms = RoomKind::chat,
                               .handler = do_unregister,
                               .usage = "unregister <name>",
                               .help = "(operators) remove an account; its owner, if online, becomes a guest",
                               .exact_only = true,
                               .operators_only = true}};

}  // namespace
}  // namespace natter::commands
