// "examine [name]" (also "finger"): what someone shows of themselves —
// name, description, whether they are here (or when they were last), since
// when their name is registered, their time online in all, and their
// profile. A registered name is looked up in the account store whether its
// owner is online or not, off the loop.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "commands/account_flow.hpp"
#include "commands/user_lines.hpp"
#include "rooms/room.hpp"
#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/time_text.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

std::int64_t unix_seconds(World::WallClock::time_point when) {
    return std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
}

std::string setting(const AccountStore::Settings& settings, std::string_view key) {
    for (const auto& [name, value] : settings) {
        if (name == key) return value;
    }
    return {};
}

// Shows `viewer` the card of `user` (online, or nullptr) and of its account
// (or nullptr for a guest).
void show(Session& viewer, const Session* user, const AccountStore::Card* card) {
    auto& world = viewer.world();
    const auto now = unix_seconds(world.wall_now());
    std::string description;
    std::vector<std::string> profile;
    if (user != nullptr) {
        if (const auto* info = user->info()) {
            description = info->description;
            profile = info->profile;
        }
    } else {
        description = setting(card->settings, "desc");
        const auto lines = setting(card->settings, "profile");
        std::string_view rest{lines};
        while (!rest.empty()) {
            const auto end = rest.find('\n');
            profile.emplace_back(rest.substr(0, end));
            if (end == std::string_view::npos) break;
            rest.remove_prefix(end + 1);
        }
    }
    const std::string name = user != nullptr ? user->name() : card->name;
    viewer.send(description.empty() ? name : name + " " + description);
    std::chrono::seconds this_session{0};
    if (user != nullptr) {
        this_session = std::chrono::duration_cast<std::chrono::seconds>(world.now() - user->connected_at());
        const auto* room = user->room();
        viewer.send("  Online now, for " + long_duration(this_session) +
                    (room != nullptr ? ", in " + room->name() : std::string{}) +
                    bracketed({idle_words(*user), away_words(*user)}) + ".");
    } else {
        const auto last = std::max(card->last_seen, card->last_login);
        viewer.send("  Last seen " + utc_date_time(last) + " (" + short_duration(std::chrono::seconds{now - last}) +
                    " ago).");
    }
    if (card == nullptr) {
        viewer.send("  A guest: the name is not registered.");
    } else {
        viewer.send(std::string{"  "} + (card->approved ? "Registered since " : "Asked for an account on ") +
                    calendar_date(card->created) + "; online " +
                    long_duration(std::chrono::seconds{card->time_online} + this_session) + " in all.");
    }
    if (profile.empty()) return;
    viewer.send("  Profile:");
    for (const auto& line : profile) viewer.send("    " + line);
}

void do_examine(CommandContext& ctx, std::string_view typed) {
    const std::string name{typed.empty() ? std::string_view{ctx.session.name()} : typed};
    auto& world = ctx.world;
    const auto* user = world.find_user(name);
    const bool registered = is_valid_name(name) && world.accounts().is_registered(name);
    if (user == nullptr && !registered) {
        ctx.session.send("No one called \"" + name + "\" is logged in or registered.");
        return;
    }
    if (!registered) {
        show(ctx.session, user, nullptr);
        return;
    }
    world.accounts().card(name, [&world, id = ctx.session.id(), name](Result<std::optional<AccountStore::Card>> card) {
        auto* viewer = world.find_session(id);
        if (viewer == nullptr || viewer->closing()) return;
        const auto* user = world.find_user(name);
        if (!card) {
            spdlog::error("examine {}: account database: {}", name, card.error().message);
            viewer->send("Sorry, the account database is not available. Try again later.");
            return;
        }
        if (!*card) {
            // Removed meanwhile: a guest now, if here at all.
            if (user == nullptr) {
                viewer->send("No one called \"" + name + "\" is logged in or registered.");
            } else {
                show(*viewer, user, nullptr);
            }
            return;
        }
        show(*viewer, user, &**card);
    });
}

const Registration examine{{.name = "examine",
                            .rooms = RoomKind::chat,
                            .handler = do_examine,
                            .usage = "examine [name]",
                            .help = "show someone's description, profile, when they were last here and their time "
                                    "online (also: finger)",
                            .aliases = {"finger"}}};

}  // namespace
}  // namespace natter::commands
