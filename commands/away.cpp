// "away [message]": marks you away; `who` and `look` show it, and a tell
// to you gets the message back. Any command but who, look and help brings
// you back.
#include <string>

#include "rooms/chat_room.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/user_info.hpp"

namespace natter::commands {
namespace {

void do_away(CommandContext& ctx, std::string_view message) {
    as_chat_room(ctx.room).set_away(ctx.session, std::string{cut_characters(message, UserInfo::max_away_message)},
                                    false);
}

const Registration away{{.name = "away",
                         .rooms = RoomKind::chat,
                         .handler = do_away,
                         .usage = "away [message]",
                         .help = "mark yourself away, with a message for those who tell you something",
                         .keeps_away = true}};

}  // namespace
}  // namespace natter::commands
