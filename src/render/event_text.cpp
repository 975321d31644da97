#include "src/render/event_text.hpp"

#include <array>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace natter {
namespace {

constexpr std::string_view reset = "\x1b[0m";

// A stable hash of a name, so its colour is the same on every line and node.
std::uint32_t name_hash(std::string_view name) {
    std::uint32_t h = 2166136261U;  // FNV-1a
    for (const char c : name) {
        const auto lower = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        h = (h ^ lower) * 16777619U;
    }
    return h;
}

// Colours for whole kinds of line, per depth: notices of arrivals and
// departures (and of coming back and going away), tells (and mail),
// announcements, server notices, shouts and topics.
struct Palette {
    std::string_view arrival;
    std::string_view departure;
    std::string_view tell;
    std::string_view announce;
    std::string_view notice;
    std::string_view shout;
    std::string_view topic;
};

const Palette& palette(ColourDepth colour) {
    static const Palette ansi16{"\x1b[32m", "\x1b[33m", "\x1b[35m", "\x1b[1;33m", "\x1b[1;31m", "\x1b[1;36m",
                                "\x1b[36m"};
    static const Palette ansi256{"\x1b[38;5;114m", "\x1b[38;5;180m", "\x1b[38;5;176m", "\x1b[1;38;5;220m",
                                 "\x1b[1;38;5;203m", "\x1b[1;38;5;81m", "\x1b[38;5;116m"};
    static const Palette truecolor{"\x1b[38;2;134;194;120m", "\x1b[38;2;214;170;120m", "\x1b[38;2;206;140;214m",
                                   "\x1b[1;38;2;250;200;60m", "\x1b[1;38;2;240;90;80m", "\x1b[1;38;2;90;200;250m",
                                   "\x1b[38;2;130;200;200m"};
    switch (colour) {
    case ColourDepth::ansi256:
        return ansi256;
    case ColourDepth::truecolor:
        return truecolor;
    default:
        return ansi16;
    }
}

void coloured(std::string& out, std::string_view colour, std::string_view text) {
    out.append(colour).append(text).append(reset);
}

// The words of the talker's own notices, shared by the plain and the
// coloured renderings (which colour them whole).
void away_words(const Event& e, std::string& out) {
    out.append(e.actor).append(" is away");
    if (!e.detail.empty()) out.append(" (").append(e.detail).append(")");
    if (e.text.empty()) {
        out.append(".");
    } else {
        out.append(": ").append(e.text);
    }
}

void topic_words(const Event& e, std::string& out) {
    if (e.text.empty()) {
        out.append(e.actor).append(" clears the topic.");
    } else {
        out.append(e.actor).append(" sets the topic: ").append(e.text);
    }
}

void mail_words(const Event& e, std::string& out) {
    out.append("You have new mail from ").append(e.actor).append("; type \"mail\" to read it.");
}

}  // namespace

std::string name_colour(std::string_view name, ColourDepth colour) {
    const auto h = name_hash(name);
    switch (colour) {
    case ColourDepth::none:
        return {};
    case ColourDepth::ansi16: {
        // Bright cyan, green, yellow, blue, magenta: readable on dark and light.
        static constexpr std::array<int, 5> codes{36, 32, 33, 34, 35};
        return fmt::format("\x1b[1;{}m", codes[h % codes.size()]);
    }
    case ColourDepth::ansi256: {
        static constexpr std::array<int, 12> codes{39, 43, 75, 79, 113, 117, 149, 171, 177, 209, 215, 221};
        return fmt::format("\x1b[1;38;5;{}m", codes[h % codes.size()]);
    }
    case ColourDepth::truecolor: {
        // A hue from the hash at fixed saturation and lightness (HSL 70%, 65%).
        const double hue = static_cast<double>(h % 360);
        const double c = (1 - std::abs(2 * 0.65 - 1)) * 0.7;
        const double x = c * (1 - std::abs(std::fmod(hue / 60, 2) - 1));
        const double m = 0.65 - c / 2;
        double r = 0;
        double g = 0;
        double b = 0;
        if (hue < 60) {
            r = c, g = x;
        } else if (hue < 120) {
            r = x, g = c;
        } else if (hue < 180) {
            g = c, b = x;
        } else if (hue < 240) {
            g = x, b = c;
        } else if (hue < 300) {
            r = x, b = c;
        } else {
            r = c, b = x;
        }
        const auto byte = [&](double v) { return static_cast<int>((v + m) * 255 + 0.5); };
        return fmt::format("\x1b[1;38;2;{};{};{}m", byte(r), byte(g), byte(b));
    }
    }
    return {};
}

bool append_event_text(const Event& e, ColourDepth colour, std::string& out) {
    if (colour == ColourDepth::none) {
        // Classic: the strings scripts for the classic server read.
        switch (e.kind) {
        case EventKind::say:
            out.append(e.actor).append(": ").append(e.text);
            return true;
        case EventKind::emote:
            out.append(e.actor).append(" ").append(e.text);
            return true;
        case EventKind::tell:
            out.append(e.actor).append(" tells you: ").append(e.text);
            return true;
        case EventKind::tell_sent:
            out.append("You tell ").append(e.target).append(": ").append(e.text);
            return true;
        case EventKind::entered:
            out.append(e.actor).append(" has entered the room.");
            if (!e.detail.empty()) out.append(" (from ").append(e.detail).append(")");
            return true;
        case EventKind::left:
            out.append(e.actor).append(" has left the room.");
            return true;
        case EventKind::announce:
            out.append("*** Announcement from ").append(e.actor).append(": ").append(e.text);
            return true;
        case EventKind::notice:
        case EventKind::system:
        case EventKind::prompt:
            out.append(e.text);
            return true;
        case EventKind::shout:
            out.append(e.actor).append(" shouts: ").append(e.text);
            return true;
        case EventKind::shout_emote:
            out.append("! ").append(e.actor).append(" ").append(e.text);
            return true;
        case EventKind::away:
            away_words(e, out);
            return true;
        case EventKind::back:
            out.append(e.actor).append(" is back.");
            return true;
        case EventKind::topic:
            topic_words(e, out);
            return true;
        case EventKind::mail_notice:
            mail_words(e, out);
            return true;
        default:
            return false;
        }
    }
    const auto& p = palette(colour);
    const auto name = [&](std::string_view who) { coloured(out, name_colour(who, colour), who); };
    switch (e.kind) {
    case EventKind::say:
        name(e.actor);
        out.append(": ").append(e.text);
        return true;
    case EventKind::emote:
        name(e.actor);
        out.append(" ").append(e.text);
        return true;
    case EventKind::tell:
        name(e.actor);
        out.append(p.tell).append(" tells you:").append(reset).append(" ").append(e.text);
        return true;
    case EventKind::tell_sent:
        out.append(p.tell).append("You tell ").append(reset);
        name(e.target);
        out.append(p.tell).append(":").append(reset).append(" ").append(e.text);
        return true;
    case EventKind::entered:
        out.append(p.arrival).append(e.actor).append(" has entered the room.");
        if (!e.detail.empty()) out.append(" (from ").append(e.detail).append(")");
        out.append(reset);
        return true;
    case EventKind::left:
        coloured(out, p.departure, std::string{e.actor} + " has left the room.");
        return true;
    case EventKind::announce:
        out.append(p.announce).append("*** Announcement from ").append(e.actor).append(":").append(reset);
        out.append(" ").append(e.text);
        return true;
    case EventKind::notice:
        coloured(out, p.notice, e.text);
        return true;
    case EventKind::system:
    case EventKind::prompt:
        out.append(e.text);
        return true;
    case EventKind::shout:
        name(e.actor);
        out.append(p.shout).append(" shouts:").append(reset).append(" ").append(e.text);
        return true;
    case EventKind::shout_emote:
        out.append(p.shout).append("!").append(reset).append(" ");
        name(e.actor);
        out.append(" ").append(e.text);
        return true;
    case EventKind::away: {
        std::string words;
        away_words(e, words);
        coloured(out, p.departure, words);
        return true;
    }
    case EventKind::back:
        coloured(out, p.arrival, std::string{e.actor} + " is back.");
        return true;
    case EventKind::topic: {
        std::string words;
        topic_words(e, words);
        coloured(out, p.topic, words);
        return true;
    }
    case EventKind::mail_notice: {
        std::string words;
        mail_words(e, words);
        coloured(out, p.tell, words);
        return true;
    }
    default:
        return false;
    }
}

}  // namespace natter
