#include "commands/user_lines.hpp"

#include <chrono>

#include "src/session.hpp"
#include "src/time_text.hpp"
#include "src/world.hpp"

namespace natter::commands {

std::string name_and_description(const Session& user) {
    const auto* info = user.info();
    if (info == nullptr || info->description.empty()) return user.name();
    return user.name() + " " + info->description;
}

std::string idle_words(const Session& user) {
    const auto idle = std::chrono::duration_cast<std::chrono::seconds>(user.world().now() - user.last_input());
    if (idle < std::chrono::minutes{1}) return {};
    return "idle " + short_duration(idle);
}

std::string away_words(const Session& user) {
    if (!user.away()) return {};
    const auto& info = *user.info();
    // Marked away for idling shows as plain "away": the idle time is beside it.
    return info.away_message.empty() ? std::string{"away"} : "away: " + info.away_message;
}

std::string bracketed(std::initializer_list<std::string> details) {
    std::string out;
    for (const auto& detail : details) {
        if (detail.empty()) continue;
        out.append(out.empty() ? " (" : ", ").append(detail);
    }
    if (!out.empty()) out.append(")");
    return out;
}

}  // namespace natter::commands
