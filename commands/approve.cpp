// "approve [name]" (operators): turn an account request into an account
// (with [accounts] approval); without a name, list the waiting requests.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands/account_flow.hpp"
#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

constexpr std::size_t max_listed = 100;

void list_requests(World& world, std::uint64_t id) {
    world.accounts().list("", max_listed, AccountStore::Which::request, [&world, id](Result<AccountPage> page) {
        if (!page) spdlog::error("approve: account database: {}", page.error().message);
        auto* op = world.find_session(id);
        if (op == nullptr || op->closing()) return;
        if (!page) {
            op->send("Sorry, the requests could not be read. Try again later.");
            return;
        }
        if (page->total == 0) {
            op->send("No account requests are waiting.");
            return;
        }
        op->send(fmt::format("{} account request{} waiting:", page->total, page->total == 1 ? "" : "s"));
        for (const auto& request : page->accounts) {
            op->send(fmt::format("  {:<20} requested {}", request.name, calendar_date(request.created)));
        }
        if (page->total > page->accounts.size()) {
            op->send(fmt::format("  ... and {} more.", page->total - page->accounts.size()));
        }
    });
}

void finish_approve(World& world, std::uint64_t id, const std::string& op_name, const std::string& name,
                    Result<bool> approved) {
    if (!approved) spdlog::error("approve {}: account database: {}", name, approved.error().message);
    if (approved && *approved) {
        spdlog::info("approve {} by {}", name, op_name);
        // The requester, if here under the name, proved it with the password.
        if (auto* requester = world.find_user(name); requester != nullptr && !requester->closing()) {
            requester->set_authenticated(true);
            requester->send("*** " + op_name + " approved your account: the name \"" + requester->name() +
                            "\" is yours now.");
        }
    }
    auto* op = world.find_session(id);
    if (op == nullptr || op->closing()) return;
    if (!approved) {
        op->send("Sorry, the approval could not be stored. Try again later.");
    } else if (!*approved) {
        op->send("There is no account request for \"" + name + "\".");
    } else {
        op->send("Approved " + name + ".");
    }
}

void do_approve(CommandContext& ctx, std::string_view name) {
    if (name.empty()) {
        list_requests(ctx.world, ctx.session.id());
        return;
    }
    if (!is_valid_name(name)) {
        ctx.session.send("Usage: approve [name]");
        return;
    }
    if (!ctx.world.accounts().is_request(name)) {
        ctx.session.send("There is no account request for \"" + std::string{name} + "\".");
        return;
    }
    auto& world = ctx.world;
    world.accounts().approve(std::string{name}, [&world, id = ctx.session.id(), op_name = ctx.session.name(),
                                                 name = std::string{name}](Result<bool> approved) {
        finish_approve(world, id, op_name, name, std::move(approved));
    });
}

const Registration approve{{.name = "approve",
                            .rooms = RoomKind::chat,
                            .handler = do_approve,
                            .usage = "approve [name]",
                            .help = "(operators) accept an account request; alone: list the waiting ones",
                            .exact_only = true,
                            .operators_only = true}};

}  // namespace
}  // namespace natter::commands
