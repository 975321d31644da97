// "shemote <action>" (also "semote"): an emote to everyone logged in.
#include "commands/shout.hpp"
#include "src/command_registry.hpp"

namespace natter::commands {
namespace {

void do_shemote(CommandContext& ctx, std::string_view action) { send_shout(ctx, EventKind::shout_emote, action); }

const Registration shemote{{.name = "shemote",
                            .rooms = RoomKind::chat,
                            .handler = do_shemote,
                            .usage = "shemote <action>",
                            .help = "act out something for everyone logged in: \"! <you> <action>\" (also: semote)",
                            .aliases = {"semote"}}};

}  // namespace
}  // namespace natter::commands
