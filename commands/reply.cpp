// "reply <text>": a private message to the last person who told you something.
#include "commands/tell.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"

namespace natter::commands {
namespace {

void do_reply(CommandContext& ctx, std::string_view text) {
    if (ctx.session.reply_to().empty()) {
        ctx.session.send("No one has told you anything yet; use \"tell <name> <text>\".");
        return;
    }
    if (text.empty()) {
        ctx.session.send("Usage: reply <text> (to " + ctx.session.reply_to() + ")");
        return;
    }
    // A copy: the reply target may change while the tell is delivered.
    const std::string name = ctx.session.reply_to();
    send_tell(ctx, name, text);
}

const Registration reply{{.name = "reply",
                          .rooms = RoomKind::chat,
                          .handler = do_reply,
                          .usage = "reply <text>",
                          .help = "answer the last person who sent you a tell"}};

}  // namespace
}  // namespace natter::commands
