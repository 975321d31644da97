// "accounts [prefix]" (operators): the registered names, with when each was
// registered and last used; requests waiting for approval are marked.
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

// Enough to read on a screen; a longer prefix narrows the rest.
constexpr std::size_t max_listed = 100;

bool is_name_prefix(std::string_view prefix) {
    if (prefix.size() > max_name_length) return false;
    for (const char c : prefix) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

void show(Session& op, const std::string& prefix, const AccountPage& page) {
    const auto matching = prefix.empty() ? std::string{} : fmt::format(" starting with \"{}\"", prefix);
    if (page.total == 0) {
        op.send(fmt::format("No accounts{}.", matching));
        return;
    }
    op.send(fmt::format("{} account{}{}:", page.total, page.total == 1 ? "" : "s", matching));
    for (const auto& account : page.accounts) {
        if (account.approved) {
            op.send(fmt::format("  {:<20} registered {}, last login {}", account.name, calendar_date(account.created),
                                calendar_date(account.last_login)));
        } else {
            op.send(fmt::format("  {:<20} requested {}, waiting for approval", account.name,
                                calendar_date(account.created)));
        }
    }
    if (page.total > page.accounts.size()) {
        op.send(fmt::format("  ... and {} more; give a longer prefix.", page.total - page.accounts.size()));
    }
}

void do_accounts(CommandContext& ctx, std::string_view args) {
    if (!is_name_prefix(args)) {
        ctx.session.send("Usage: accounts [prefix]");
        return;
    }
    auto& world = ctx.world;
    world.accounts().list(std::string{args}, max_listed, AccountStore::Which::any,
                          [&world, id = ctx.session.id(), prefix = std::string{args}](Result<AccountPage> page) {
                              if (!page) spdlog::error("accounts: account database: {}", page.error().message);
                              auto* op = world.find_session(id);
                              if (op == nullptr || op->closing()) return;
                              if (!page) {
                                  op->send("Sorry, the accounts could not be read. Try again later.");
                                  return;
                              }
                              show(*op, prefix, *page);
                          });
}

const Registration accounts{{.name = "accounts",
                             .rooms = RoomKind::chat,
                             .handler = do_accounts,
                             .usage = "accounts [prefix]",
                             .help = "(operators) list the registered names, when registered and last used",
                             .exact_only = true,
                             .operators_only = true}};

}  // namespace
}  // namespace natter::commands
