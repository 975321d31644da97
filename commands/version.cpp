// "version": which natter the server runs, before or after login.
#include <string>

#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/version.hpp"

namespace natter::commands {
namespace {

void do_version(CommandContext& ctx, std::string_view) { ctx.session.send("natter " + version_line()); }

const Registration version{{.name = "version",
                            .rooms = RoomKind::login | RoomKind::chat,
                            .handler = do_version,
                            .usage = "version",
                            .help = "show which version of natter this server runs"}};

}  // namespace
}  // namespace natter::commands
