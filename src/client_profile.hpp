// What natter knows of one client, merged into one record: what the client
// told (TTYPE names and MTTS bits, NAWS size, CHARSET outcome, NEW-ENVIRON
// variables, GMCP Core.Hello and Core.Supports), what its user set with the
// `client` command, and the rendering variant that follows from both. Data
// and the rules between them; the telnet dance that fills it is
// TelnetNegotiation's.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/mccp_stream.hpp"
#include "src/render/variant.hpp"

namespace natter {

// What a user sets with `client`; kept across logins for registered names.
struct ClientSettings {
    std::optional<std::uint16_t> width;  // wrap at this many columns
    std::optional<ColourDepth> colour;
    std::optional<bool> wrap;
    std::optional<bool> screen_reader;

    [[nodiscard]] bool empty() const { return !width && !colour && !wrap && !screen_reader; }
    // A short text form for storage ("width=100 colour=256 wrap=off"), and
    // back; unknown words are ignored, so an older natterd reads a newer one.
    [[nodiscard]] std::string to_text() const;
    [[nodiscard]] static ClientSettings from_text(std::string_view text);
};

enum class Charset : std::uint8_t { unknown, utf8, ascii };

// MTTS bits (tintin.mudhalla.net/protocols/mtts).
namespace mtts {
inline constexpr std::uint32_t ansi = 1;
inline constexpr std::uint32_t vt100 = 2;
inline constexpr std::uint32_t utf8 = 4;
inline constexpr std::uint32_t colours_256 = 8;
inline constexpr std::uint32_t mouse = 16;
inline constexpr std::uint32_t osc_palette = 32;
inline constexpr std::uint32_t screen_reader = 64;
inline constexpr std::uint32_t proxy = 128;
inline constexpr std::uint32_t truecolor = 256;
inline constexpr std::uint32_t mnes = 512;
inline constexpr std::uint32_t mslp = 1024;
inline constexpr std::uint32_t ssl = 2048;
}  // namespace mtts

struct ClientProfile {
    // --- told by the client
    std::vector<std::string> terminal_types;  // TTYPE answers, in order
    std::optional<std::uint32_t> mtts;        // from TTYPE "MTTS n" (or NEW-ENVIRON MTTS)
    std::uint16_t width = 0;                  // NAWS; 0: not told
    std::uint16_t height = 0;
    Charset charset = Charset::unknown;
    std::string client_name;  // NEW-ENVIRON CLIENT_NAME or GMCP Core.Hello
    std::string client_version;
    bool env_screen_reader = false;  // NEW-ENVIRON SCREEN_READER=1
    ColourDepth env_colour = ColourDepth::none;  // NEW-ENVIRON ANSI / 256_COLORS / TRUECOLOR
    // GMCP packages the client listed (lower case) with their versions;
    // 0 marks one it removed.
    std::vector<std::pair<std::string, int>> gmcp_packages;

    // --- what is on (kept in step by TelnetNegotiation)
    bool gmcp = false;
    bool eor = false;        // the client agreed to IAC EOR prompt marks
    bool sga = false;        // go-ahead suppressed: no IAC GA
    bool mud_client = false; // it answered an option beyond echo: a MUD client
    bool mccp_wanted = false;  // the client said DO MCCP2
    bool naws = false;
    // The TTYPE cycle: not asked, asked (DO TTYPE sent, no answer yet),
    // cycling (SEND rounds), or over.
    enum class Ttype : std::uint8_t { not_asked, asked, cycling, over } ttype = Ttype::not_asked;
    std::uint8_t ttype_rounds = 0;
    std::uint8_t charset_phase = 0;  // TelnetNegotiation's
    bool mssp = false;         // the client asked for MSSP
    bool gmcp_login_offered = false;  // Char.Login.Default was sent
    std::chrono::steady_clock::time_point last_keepalive{};  // the last IAC NOP

    // --- set by the user
    ClientSettings settings;

    // --- output compression (MCCP2) and the bytes it has made
    MccpStream mccp;
    std::string compressed;

    [[nodiscard]] ColourDepth detected_colour() const;
    [[nodiscard]] bool screen_reader() const;
    [[nodiscard]] bool utf8_told() const;
    // Whether GMCP messages of `package` ("char", "room", "comm") go to this
    // client: Char only if listed (the IRE rule); Room and Comm unless the
    // client removed them or listed them with version 0, since Mudlet never
    // lists Comm but wants it.
    [[nodiscard]] bool gmcp_wants(std::string_view package) const;
    [[nodiscard]] Variant variant() const;
};

// The variant for a session without a profile: the classic bytes.
inline constexpr Variant plain_variant{};

[[nodiscard]] std::string_view colour_name(ColourDepth colour);

}  // namespace natter
