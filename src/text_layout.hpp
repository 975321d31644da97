// Fitting text to one client's terminal: word wrapping to the width it told
// (NAWS) or set, measured in display columns by grapheme cluster, and a
// 7-bit form for a client that refused UTF-8. The text is sanitised, apart
// from the colour sequences natter adds itself (CSI … m), which take no
// columns, are never split, and carry over to continuation lines. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace natter {

// Columns a terminal gives `text`: per grapheme cluster, its first code
// point's width (utf8proc), but 2 for a cluster holding U+FE0F, U+200D or a
// skin-tone modifier, or a flag (two regional indicators), which terminals
// draw wide though the code points sum otherwise. Escape sequences count 0.
[[nodiscard]] std::size_t display_width(std::string_view text);

// Appends `line` to `out` as lines of at most `width` columns, each ended by
// CR LF: broken at spaces, a word longer than a line broken between
// clusters, continuation lines starting with `indent` spaces (less when the
// width is too small for it). A colour that is on at a break is turned off
// at the end of the line and on again after the indent. width 0: no wrap.
void append_wrapped(std::string& out, std::string_view line, std::size_t width, std::size_t indent);

// `text` in 7-bit ASCII: letters with marks lose them (é → e), any other
// non-ASCII cluster becomes '?'. Escape sequences are kept.
[[nodiscard]] std::string to_ascii(std::string_view text);

}  // namespace natter
