// The line of text an event shows a person: the classic strings (SPEC §2,
// §3) without colour, and the same words with ANSI colour on names, notices
// and tells for clients that take it. Knows nothing of wrapping, charsets
// or telnet.
#pragma once

#include <string>

#include "src/event.hpp"
#include "src/render/variant.hpp"

namespace natter {

// Appends the event's line (no line end) to `out`; false, appending
// nothing, for events that show no text (signed_in, room_state, ...).
bool append_event_text(const Event& event, ColourDepth colour, std::string& out);

// The colour sequence a name is shown in: the same for a name wherever it
// appears, different names mostly different; empty for ColourDepth::none.
[[nodiscard]] std::string name_colour(std::string_view name, ColourDepth colour);

}  // namespace natter
