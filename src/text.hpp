// Text hygiene for everything a user typed: UTF-8 repair and removal of the
// characters that could drive another user's terminal. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace natter {

// Returns `raw` as valid UTF-8 (each invalid byte becomes U+FFFD) with C0
// controls except TAB, DEL, C1 controls and Unicode bidi overrides/isolates
// removed. The result never contains the byte 0xFF, so it never needs telnet
// IAC escaping.
[[nodiscard]] std::string sanitize(std::string_view raw);

// `text` without leading and trailing spaces and tabs.
[[nodiscard]] std::string_view trim(std::string_view text);

// ASCII lower case; verbs and names compare through it.
[[nodiscard]] std::string ascii_lower(std::string_view text);

// The first `max_characters` code points of UTF-8 `text` (all of it if
// shorter), never splitting one: how user texts with a length limit are cut.
[[nodiscard]] std::string_view cut_characters(std::string_view text, std::size_t max_characters);

}  // namespace natter
