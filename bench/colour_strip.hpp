// bench/colour_strip.hpp — removing terminal escape sequences (ANSI colour
// and the like) from a received line, so a coloured chat line is classified
// as the plain one it stands for. Pure: no sockets, no telnet.
#pragma once

#include <string>
#include <string_view>

namespace natter::bench {

// True when `line` holds an ESC byte (nothing to strip otherwise).
[[nodiscard]] bool has_escape(std::string_view line) noexcept;

// Appends `line` to `out` without its escape sequences: CSI (ESC [
// parameters, intermediates, one final byte: colours are ESC [ ... m), OSC
// (ESC ] ... ended by BEL or ESC \) and two-byte ESC sequences. A sequence
// cut off by the end of the line is dropped up to there.
void strip_escapes(std::string_view line, std::string& out);

}  // namespace natter::bench
