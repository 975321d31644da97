// "desc [text|clear]": a short description shown after your name in `who`,
// `look` and `examine`; kept for your next login if your name is
// registered.
#include <fmt/format.h>

#include "commands/account_flow.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/user_info.hpp"

namespace natter::commands {
namespace {

void do_desc(CommandContext& ctx, std::string_view text) {
    auto& session = ctx.session;
    if (text.empty()) {
        const auto* info = session.info();
        if (info == nullptr || info->description.empty()) {
            session.send("You have no description; set one with \"desc <text>\".");
        } else {
            session.send("Your description: " + info->description);
        }
        return;
    }
    auto& info = session.info_for_update();
    if (text == "clear") {
        info.description.clear();
        keep_setting(ctx.world, session, "desc", {});
        session.send("Your description is cleared.");
        return;
    }
    const auto kept_text = cut_characters(text, UserInfo::max_description);
    info.description = std::string{kept_text};
    const bool kept = keep_setting(ctx.world, session, "desc", info.description);
    session.send(fmt::format("You are now: {} {}{}{}", session.name(), info.description,
                             kept_text.size() < text.size()
                                 ? fmt::format(" (cut to {} characters)", UserInfo::max_description)
                                 : std::string{},
                             kept ? "" : " (for this session)"));
}

const Registration desc{{.name = "desc",
                         .rooms = RoomKind::chat,
                         .handler = do_desc,
                         .usage = "desc [text|clear]",
                         .help = "set the short description shown after your name (at most 60 characters)"}};

}  // namespace
}  // namespace natter::commands
