// An event as a web client gets it: one JSON object (schema version 1,
// docs/web-json.md) with the event's fields and its plain-text rendering,
// framed as one WebSocket text message. The page and bots read the same.
#pragma once

#include <string>
#include <string_view>

#include "src/event.hpp"

namespace natter {

inline constexpr int web_json_version = 1;

// Appends the event's JSON object (no framing). `text` is the event's
// line as a plain client sees it (empty for events that show none).
void append_event_json(const Event& event, std::string_view text, std::string& out);

// Appends the whole WebSocket text frame carrying the event's JSON.
void append_event_frame(const Event& event, std::string_view text, std::string& out);

}  // namespace natter
