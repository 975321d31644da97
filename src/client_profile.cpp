#include "src/client_profile.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "src/text.hpp"

namespace natter {
namespace {

// Widths outside this are taken as nonsense (a client's bug), not a window.
constexpr std::uint16_t min_width = 20;
constexpr std::uint16_t max_width = 1000;

bool contains(std::string_view haystack, std::string_view needle) {
    return ascii_lower(haystack).find(needle) != std::string::npos;
}

std::optional<ColourDepth> colour_from_word(std::string_view word) {
    if (word == "off" || word == "none") return ColourDepth::none;
    if (word == "16" || word == "ansi") return ColourDepth::ansi16;
    if (word == "256") return ColourDepth::ansi256;
    if (word == "truecolor" || word == "truecolour") return ColourDepth::truecolor;
    return std::nullopt;
}

}  // namespace

std::string_view colour_name(ColourDepth colour) {
    switch (colour) {
    case ColourDepth::none:
        return "off";
    case ColourDepth::ansi16:
        return "16";
    case ColourDepth::ansi256:
        return "256";
    case ColourDepth::truecolor:
        return "truecolor";
    }
    return "off";
}

std::string ClientSettings::to_text() const {
    std::string out;
    const auto add = [&](std::string_view item) {
        if (!out.empty()) out.push_back(' ');
        out.append(item);
    };
    if (width) add(fmt::format("width={}", *width));
    if (colour) add(fmt::format("colour={}", colour_name(*colour)));
    if (wrap) add(*wrap ? "wrap=on" : "wrap=off");
    if (screen_reader) add(*screen_reader ? "screenreader=on" : "screenreader=off");
    return out;
}

ClientSettings ClientSettings::from_text(std::string_view text) {
    ClientSettings settings;
    while (!text.empty()) {
        const auto space = text.find(' ');
        const auto item = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
        const auto equals = item.find('=');
        if (equals == std::string_view::npos) continue;
        const auto key = item.substr(0, equals);
        const auto value = item.substr(equals + 1);
        if (key == "width") {
            std::uint16_t width = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), width);
            if (error == std::errc{} && end == value.data() + value.size() && width >= min_width && width <= max_width) {
                settings.width = width;
            }
        } else if (key == "colour") {
            settings.colour = colour_from_word(value);
        } else if (key == "wrap" && (value == "on" || value == "off")) {
            settings.wrap = value == "on";
        } else if (key == "screenreader" && (value == "on" || value == "off")) {
            settings.screen_reader = value == "on";
        }
    }
    return settings;
}

ColourDepth ClientProfile::detected_colour() const {
    if (mtts) {
        if ((*mtts & mtts::truecolor) != 0) return ColourDepth::truecolor;
        if ((*mtts & mtts::colours_256) != 0) return ColourDepth::ansi256;
        if ((*mtts & mtts::ansi) != 0) return ColourDepth::ansi16;
        return env_colour;
    }
    ColourDepth best = env_colour;
    const auto raise = [&](ColourDepth depth) { best = std::max(best, depth); };
    for (const auto& name : terminal_types) {
        // Terminal names as clients send them: "xterm-256color",
        // "ANSI-TRUECOLOR", "MUDLET", "MUSHCLIENT", "vt100" ...
        if (contains(name, "truecolor") || contains(name, "direct") || contains(name, "mudlet")) {
            raise(ColourDepth::truecolor);
        } else if (contains(name, "256") || contains(name, "mushclient")) {
            raise(ColourDepth::ansi256);
        } else if (contains(name, "ansi") || contains(name, "xterm") || contains(name, "vt1") ||
                   contains(name, "linux") || contains(name, "screen") || contains(name, "tmux") ||
                   contains(name, "color") || contains(name, "tintin") || contains(name, "mud")) {
            raise(ColourDepth::ansi16);
        }
    }
    return best;
}

bool ClientProfile::screen_reader() const {
    if (settings.screen_reader) return *settings.screen_reader;
    return env_screen_reader || (mtts && (*mtts & mtts::screen_reader) != 0);
}

bool ClientProfile::utf8_told() const {
    return charset == Charset::utf8 || (mtts && (*mtts & mtts::utf8) != 0);
}

bool ClientProfile::gmcp_wants(std::string_view package) const {
    const auto it = std::find_if(gmcp_packages.begin(), gmcp_packages.end(),
                                 [&](const auto& entry) { return entry.first == package; });
    if (package == "char") return it != gmcp_packages.end() && it->second > 0;
    return it == gmcp_packages.end() || it->second > 0;
}

Variant ClientProfile::variant() const {
    Variant v;
    const bool reader = screen_reader();
    // A screen reader gets words only: no colour codes read aloud, no lines
    // broken for a width it does not have.
    v.colour = reader ? ColourDepth::none : settings.colour.value_or(detected_colour());
    v.ascii = charset == Charset::ascii;
    if (!reader && settings.wrap.value_or(true)) {
        if (settings.width) {
            v.width = *settings.width;
        } else if (width >= min_width) {
            // One column spare: some terminals wrap on the last one.
            v.width = static_cast<std::uint16_t>(std::min(width, max_width) - 1);
        }
    }
    if (eor) {
        v.prompt = PromptMark::eor;
    } else if (mud_client && !sga) {
        v.prompt = PromptMark::ga;
    }
    v.gmcp = gmcp;
    v.gmcp_room = gmcp && gmcp_wants("room");
    v.gmcp_comm = gmcp && gmcp_wants("comm");
    v.gmcp_char = gmcp && gmcp_wants("char");
    return v;
}

}  // namespace natter
