// "deny <name> [reason]" (operators): refuse an account request; the name
// is free again and its requester stays a guest.
#include <spdlog/spdlog.h>

#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void finish_deny(World& world, std::uint64_t id, const std::string& op_name, const std::string& name,
                 const std::string& reason, Result<bool> removed) {
    if (!removed) spdlog::error("deny {}: account database: {}", name, removed.error().message);
    if (removed && *removed) {
        spdlog::info("deny {} by {} ({})", name, op_name, reason);
        if (auto* requester = world.find_user(name); requester != nullptr && !requester->closing()) {
            requester->send("*** " + op_name + " turned down your account request" +
                            (reason.empty() ? std::string{} : " (" + reason + ")") + ". You stay a guest.");
        }
    }
    auto* op = world.find_session(id);
    if (op == nullptr || op->closing()) return;
    if (!removed) {
        op->send("Sorry, the request could not be removed. Try again later.");
    } else if (!*removed) {
        op->send("There is no account request for \"" + name + "\".");
    } else {
        op->send("Denied " + name + ".");
    }
}

void do_deny(CommandContext& ctx, std::string_view args) {
    const auto space = args.find(' ');
    const auto name = args.substr(0, space);
    const auto reason = space == std::string_view::npos ? std::string_view{} : trim(args.substr(space + 1));
    if (name.empty() || !is_valid_name(name)) {
        ctx.session.send("Usage: deny <name> [reason]");
        return;
    }
    if (!ctx.world.accounts().is_request(name)) {
        ctx.session.send("There is no account request for \"" + std::string{name} + "\".");
        return;
    }
    auto& world = ctx.world;
    world.accounts().remove(std::string{name}, AccountStore::Which::request,
                            [&world, id = ctx.session.id(), op_name = ctx.session.name(), name = std::string{name},
                             reason = std::string{reason}](Result<bool> removed) {
                                finish_deny(world, id, op_name, name, reason, std::move(removed));
                            });
}

const Registration deny{{.name = "deny",
                         .rooms = RoomKind::chat,
                         .handler = do_deny,
                         .usage = "deny <name> [reason]",
                         .help = "(operators) refuse an account request; the name is free again",
                         .exact_only = true,
                         .operators_only = true}};

}  // namespace
}  // namespace natter::commands
