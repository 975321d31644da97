// bench/json_text.hpp — the `text` field of one of natter's JSON events
// (docs/web-json.md: the line a plain telnet client gets for the event).
// The generator reads millions of these per run, so it does not parse the
// whole object: it finds the top-level key `"text"` (a key is the only
// place a quoted `text` can be followed by a colon, since quotes inside
// strings are escaped) and decodes that one string. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace natter::bench {

enum class JsonText : std::uint8_t {
    absent,     // the object has no "text" (signed_in, room, who, goodbye, ...)
    found,      // `text` holds the decoded string
    malformed,  // a "text" key whose value is not a well-formed string
};

// Finds the "text" field of `object`. `text` points into `object` when the
// string has no escapes, else into `scratch`.
[[nodiscard]] JsonText json_text_field(std::string_view object, std::string_view& text, std::string& scratch);

}  // namespace natter::bench
