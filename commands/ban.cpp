// "ban <name|address> [minutes] [reason]" (operators): keep a name or an
// address out (for a while, or for good); stored, so it survives restarts.
// Whoever it hits is disconnected at once.
#include <charconv>
#include <ctime>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "src/cluster.hpp"
#include "src/accounts.hpp"
#include "src/ban_list.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/send_off.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

constexpr std::int64_t max_minutes = 10 * 365 * 24 * 60;

std::string_view first_word(std::string_view text) { return text.substr(0, text.find(' ')); }

std::string_view after_first_word(std::string_view text) {
    const auto space = text.find(' ');
    return space == std::string_view::npos ? std::string_view{} : trim(text.substr(space + 1));
}

void do_ban(CommandContext& ctx, std::string_view args) {
    Ban ban;
    ban.target = std::string{first_word(args)};
    ban.is_address = looks_like_address(ban.target);
    ban.by = ctx.session.name();
    if (ban.target.empty() || (!ban.is_address && !is_valid_name(ban.target))) {
        ctx.session.send("Usage: ban <name|address> [minutes] [reason]");
        return;
    }
    auto rest = after_first_word(args);
    std::int64_t minutes = 0;
    const auto word = first_word(rest);
    if (!word.empty() && std::from_chars(word.data(), word.data() + word.size(), minutes).ptr == word.data() + word.size()) {
        if (minutes < 0 || minutes > max_minutes) {
            ctx.session.send(fmt::format("Minutes must be 0 (for good) to {}.", max_minutes));
            return;
        }
        rest = after_first_word(rest);
    }
    ban.reason = std::string{rest};
    if (minutes > 0) ban.expires = static_cast<std::int64_t>(std::time(nullptr)) + minutes * 60;
    if (ban.is_address ? ban.target == ctx.session.address() : name_key(ban.target) == name_key(ctx.session.name())) {
        ctx.session.send("You cannot ban yourself.");
        return;
    }

    const std::string what = fmt::format("{} {}", ban.is_address ? "address" : "name", ban.target);
    const std::string how_long = minutes > 0 ? fmt::format("for {} minutes", minutes) : std::string{"for good"};
    spdlog::info("ban {} {} by {} ({})", what, how_long, ban.by, ban.reason);
    auto& world = ctx.world;
    // The other nodes apply it at once, and disconnect whoever it hits there.
    if (auto* cluster = world.cluster()) cluster->banned(ban);
    world.accounts().ban(Ban{ban}, [&world, id = ctx.session.id(), what, how_long](Result<void> stored) {
        if (!stored) spdlog::error("ban {}: account database: {}", what, stored.error().message);
        auto* op = world.find_session(id);
        if (op == nullptr || op->closing()) return;
        op->send(stored ? fmt::format("Banned {} {}.", what, how_long)
                        : fmt::format("Banned {} {}, but the ban could not be stored: it ends with a restart.", what,
                                      how_long));
    });
    ban_off(world, ban);
}

const Registration ban{{.name = "ban",
                        .rooms = RoomKind::chat,
                        .handler = do_ban,
                        .usage = "ban <name|address> [minutes] [reason]",
                        .help = "(operators) keep a name or an address out; no minutes: for good",
                        .exact_only = true,
                        .operators_only = true}};

}  // namespace
}  // namespace natter::commands
