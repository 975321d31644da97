// "profile [line|clear]": the lines `examine` shows of you, added one at a
// time; kept for your next login if your name is registered.
#include <fmt/format.h>

#include "commands/account_flow.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/user_info.hpp"

namespace natter::commands {
namespace {

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out.append(out.empty() ? "" : "\n").append(line);
    return out;
}

void do_profile(CommandContext& ctx, std::string_view text) {
    auto& session = ctx.session;
    if (text.empty()) {
        const auto* info = session.info();
        if (info == nullptr || info->profile.empty()) {
            session.send("Your profile is empty; add lines with \"profile <line>\".");
            return;
        }
        session.send(fmt::format("Your profile ({} of {} lines):", info->profile.size(), UserInfo::max_profile_lines));
        for (const auto& line : info->profile) session.send("  " + line);
        return;
    }
    auto& info = session.info_for_update();
    if (text == "clear") {
        info.profile.clear();
        keep_setting(ctx.world, session, "profile", {});
        session.send("Your profile is cleared.");
        return;
    }
    if (info.profile.size() >= UserInfo::max_profile_lines) {
        session.send(fmt::format("Your profile is full ({} lines); \"profile clear\" empties it.",
                                 UserInfo::max_profile_lines));
        return;
    }
    const auto line = cut_characters(text, UserInfo::max_profile_line);
    info.profile.emplace_back(line);
    const bool kept = keep_setting(ctx.world, session, "profile", joined(info.profile));
    session.send(fmt::format("Line {} of your profile added{}{}.", info.profile.size(),
                             line.size() < text.size()
                                 ? fmt::format(" (cut to {} characters)", UserInfo::max_profile_line)
                                 : std::string{},
                             kept ? "" : " (for this session)"));
}

const Registration profile{{.name = "profile",
                            .rooms = RoomKind::chat,
                            .handler = do_profile,
                            .usage = "profile [line|clear]",
                            .help = "show your profile, add a line to it (20 at most), or clear it"}};

}  // namespace
}  // namespace natter::commands
