// Invariant checks shared by the fuzz targets: what must hold of text that
// leaves the core, whatever bytes came in. Knows nothing of sessions or
// rooms; a failed check aborts so libFuzzer records the input.
#pragma once

#include <string_view>

namespace natter::fuzz {

// Aborts with `what` when `ok` is false. Always on: fuzzing is the point.
void check(bool ok, std::string_view what);

// Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
[[nodiscard]] bool is_valid_utf8(std::string_view text);

// What sanitize() promises: valid UTF-8, no C0 control but TAB, no DEL or C1
// control, no bidi override or isolate (hence never the byte 0xFF).
[[nodiscard]] bool is_sanitized(std::string_view text);

// What a session may put on the wire: CR LF terminated lines of UTF-8 with
// no control characters but TAB, interleaved with telnet negotiation
// (IAC WILL/WONT/DO/DONT <option>), two-byte IAC commands and
// subnegotiations (IAC SB ... IAC SE, binary payload with 0xFF doubled)
// and, for clients that asked for colour, ANSI SGR sequences (ESC [ ... m).
[[nodiscard]] bool is_valid_output(std::string_view bytes);
// Prints `bytes` to stderr, escaped, so that a failed check shows what it saw.
void print_bytes(std::string_view label, std::string_view bytes);

}  // namespace natter::fuzz
