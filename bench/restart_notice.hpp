// bench/restart_notice.hpp — recognising natterd's hot-restart notices
// (`*** The server is restarting…`, `*** Restart complete.`, and the one
// saying a restart was abandoned) among the lines a client receives. Pure:
// no sockets, no timing.
#pragma once

#include <cstdint>
#include <string_view>

namespace natter::bench {

enum class RestartNotice : std::uint8_t { none, restarting, complete, abandoned };

// Which restart notice `line` (without its line end or colour) is. Only the
// part before the ellipsis is compared, so a client that gets it in 7-bit
// text ("..." or "?") is recognised too.
[[nodiscard]] RestartNotice classify_restart_notice(std::string_view line) noexcept;

}  // namespace natter::bench
