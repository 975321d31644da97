// The GMCP messages (telnet option 201) an event sends a MUD client, in
// the IRE packages Mudlet, MUSHclient and tintin++ scripts use for chat:
// Comm.Channel.Text for every line said to it, Room.* as people come and
// go, Char.Name, Comm.Channel.List and .Players, Core.Goodbye. JSON is
// always valid UTF-8 with control characters escaped, each message at most
// max_message_bytes (long lists are paged).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "src/event.hpp"
#include "src/render/variant.hpp"

namespace natter {

inline constexpr std::size_t max_gmcp_message_bytes = 4096;

// Appends the event's GMCP messages for `variant` (none if it takes no
// GMCP), framed as telnet subnegotiations. `line` is the event's text as
// the plain renderer shows it.
void append_gmcp(const Event& event, const Variant& variant, std::string_view line, std::string& out);

// One GMCP message: IAC SB GMCP "<package> <json>" IAC SE (just the package
// name when `json` is empty: IRE's bodyless form, which every client reads).
void append_gmcp_message(std::string_view package, std::string_view json, std::string& out);

// A stable number for a room, for Room.Info "num" (mappers key rooms by it).
[[nodiscard]] std::uint32_t room_number(std::string_view room);

}  // namespace natter
