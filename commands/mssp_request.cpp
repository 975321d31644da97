// "MSSP-REQUEST" (login room): MSSP in plain text, for MUD crawlers that
// speak no telnet; the same variables as the telnet form (src/mssp.hpp).
#include "src/command_registry.hpp"
#include "src/mssp.hpp"
#include "src/session.hpp"

namespace natter::commands {
namespace {

void do_mssp_request(CommandContext& ctx, std::string_view) {
    for (const auto& line : mssp_text_lines(mssp_variables(ctx.world))) ctx.session.send(line);
}

const Registration mssp_request{{.name = "mssp-request",
                                 .rooms = RoomKind::login,
                                 .handler = do_mssp_request,
                                 .usage = "mssp-request",
                                 .help = "server status for MUD crawlers (MSSP-REQUEST), as KEY<tab>VALUE lines",
                                 .exact_only = true}};

}  // namespace
}  // namespace natter::commands
