// A line to everyone logged in, in every room, shared by `shout` and
// `shemote`. Knows sessions and the world, no sockets.
#pragma once

#include <string_view>

#include "src/command.hpp"
#include "src/event.hpp"

namespace natter::commands {

// Shouts `text` from ctx.session (EventKind::shout, or shout_emote for an
// action) to everyone logged in but those who ignore them; refused when
// [rooms] allow_shout is off.
void send_shout(CommandContext& ctx, EventKind kind, std::string_view text);

}  // namespace natter::commands
