// A private message from one user to another, shared by `tell` and `reply`:
// only the two of them see it. Knows sessions and the world, no sockets.
#pragma once

#include <string_view>

#include "src/command.hpp"

namespace natter::commands {

// Delivers `text` from ctx.session to the logged-in user called `name`, or
// tells the sender why not. A receiver who ignores the sender silently gets
// nothing; the sender is not told.
void send_tell(CommandContext& ctx, std::string_view name, std::string_view text);

}  // namespace natter::commands
