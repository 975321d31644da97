// How one client wants events rendered: colour depth, wrap width, 7-bit
// text, how prompts are marked, which GMCP messages it takes. Sessions with
// equal variants get the same bytes, so a broadcast renders once for each
// distinct variant among its receivers (RenderCache); key() packs a variant
// into 32 bits to compare them by. A plain telnet or nc client has the
// default variant, which renders the classic strings.
#pragma once

#include <cstdint>

namespace natter {

enum class ColourDepth : std::uint8_t { none, ansi16, ansi256, truecolor };

// How a prompt (a line that waits for input) ends: as a classic line with
// CR LF, or left open and marked with IAC EOR or IAC GA for MUD clients.
enum class PromptMark : std::uint8_t { line, eor, ga };

struct Variant {
    ColourDepth colour = ColourDepth::none;
    PromptMark prompt = PromptMark::line;
    bool ascii = false;      // the client refused UTF-8: 7-bit text only
    bool gmcp = false;       // GMCP is on: Core.* messages
    bool gmcp_room = false;  // ... and Room.* messages
    bool gmcp_comm = false;  // ... and Comm.* messages
    bool gmcp_char = false;  // ... and Char.* messages
    bool json = false;       // a web client: one WebSocket message of JSON per event (docs/web-json.md)
    std::uint16_t width = 0;  // wrap lines at this many columns; 0: never

    [[nodiscard]] constexpr std::uint32_t key() const {
        return static_cast<std::uint32_t>(colour) | static_cast<std::uint32_t>(prompt) << 2U |
               static_cast<std::uint32_t>(ascii) << 4U | static_cast<std::uint32_t>(gmcp) << 5U |
               static_cast<std::uint32_t>(gmcp_room) << 6U | static_cast<std::uint32_t>(gmcp_comm) << 7U |
               static_cast<std::uint32_t>(gmcp_char) << 8U | static_cast<std::uint32_t>(json) << 9U |
               static_cast<std::uint32_t>(width) << 16U;
    }
    // Whether events that only carry structure (who is where) render to
    // anything for this variant.
    [[nodiscard]] constexpr bool structured() const { return gmcp || json; }
    [[nodiscard]] constexpr bool plain() const { return key() == 0; }
    friend constexpr bool operator==(const Variant& a, const Variant& b) { return a.key() == b.key(); }
};

}  // namespace natter
