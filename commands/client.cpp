// "client [setting value]": what natter knows of your client (width, colour,
// charset, protocols), and the settings that override it: width, colour,
// wrap, screen reader.
#include <charconv>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands/account_flow.hpp"
#include "src/client_profile.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

constexpr std::string_view settings_help =
    "Change with: client width <20-1000>|auto, client colour off|16|256|truecolor|auto, "
    "client wrap on|off|auto, client screenreader on|off|auto";

std::string colour_words(ColourDepth colour) {
    switch (colour) {
    case ColourDepth::none:
        return "none";
    case ColourDepth::ansi16:
        return "16 colours";
    case ColourDepth::ansi256:
        return "256 colours";
    case ColourDepth::truecolor:
        return "true colour";
    }
    return "none";
}

std::string mtts_words(std::uint32_t bits) {
    static constexpr std::pair<std::uint32_t, std::string_view> names[] = {
        {mtts::ansi, "ANSI"},           {mtts::vt100, "VT100"},        {mtts::utf8, "UTF-8"},
        {mtts::colours_256, "256 colours"}, {mtts::mouse, "mouse"},    {mtts::osc_palette, "palette"},
        {mtts::screen_reader, "screen reader"}, {mtts::proxy, "proxy"}, {mtts::truecolor, "truecolor"},
        {mtts::mnes, "MNES"},           {mtts::mslp, "MSLP"},          {mtts::ssl, "TLS"}};
    std::string out;
    for (const auto& [bit, name] : names) {
        if ((bits & bit) == 0) continue;
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out.empty() ? "none" : out;
}

void show(Session& session) {
    const auto* p = session.profile();
    const auto& v = session.variant();
    session.send("Your client, as natter knows it:");
    if (p == nullptr) {
        session.send("  It has told nothing (a plain telnet or nc): no colour, no wrapping, UTF-8.");
        session.send(std::string{settings_help});
        return;
    }
    std::string who = p->client_name.empty() ? "not told" : p->client_name;
    if (!p->client_version.empty()) who += " " + p->client_version;
    session.send("  client:        " + who);
    std::string terminal;
    for (const auto& name : p->terminal_types) terminal += (terminal.empty() ? "" : ", ") + name;
    if (terminal.empty()) terminal = "not told";
    if (p->mtts) terminal += fmt::format(" (MTTS {}: {})", *p->mtts, mtts_words(*p->mtts));
    session.send("  terminal:      " + terminal);
    session.send("  window:        " +
                 (p->width > 0 ? fmt::format("{} x {} (NAWS)", p->width, p->height) : std::string{"not told"}));
    session.send(std::string{"  charset:       "} +
                 (p->charset == Charset::ascii ? "ASCII only (UTF-8 refused)"
                  : p->charset == Charset::utf8 ? "UTF-8 (agreed)"
                                                : "UTF-8 (assumed)"));
    session.send("  colour:        " + colour_words(v.colour) + (p->settings.colour ? " (your setting)" : ""));
    session.send("  wrap:          " + (v.width > 0 ? fmt::format("at {} columns", v.width) : std::string{"off"}) +
                 (p->settings.width || p->settings.wrap ? " (your setting)" : ""));
    session.send(std::string{"  screen reader: "} + (p->screen_reader() ? "yes" : "no") +
                 (p->settings.screen_reader ? " (your setting)" : ""));
    std::vector<std::string_view> on;
    if (p->naws) on.push_back("NAWS");
    if (!p->terminal_types.empty()) on.push_back("TTYPE");
    if (p->charset != Charset::unknown) on.push_back("CHARSET");
    if (p->eor) on.push_back("EOR");
    if (p->gmcp) on.push_back("GMCP");
    if (p->mccp.active()) on.push_back("MCCP2");
    if (p->mssp) on.push_back("MSSP");
    std::string protocols;
    for (const auto name : on) protocols += (protocols.empty() ? "" : " ") + std::string{name};
    session.send("  protocols:     " + (protocols.empty() ? std::string{"none"} : protocols));
    session.send(std::string{settings_help});
}

// Parses `value` for `setting` into the settings; false if it makes no sense.
bool apply(ClientSettings& settings, std::string_view setting, std::string_view value) {
    const bool automatic = value == "auto";
    if (setting == "width") {
        if (automatic) {
            settings.width.reset();
            return true;
        }
        std::uint16_t width = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), width);
        if (error != std::errc{} || end != value.data() + value.size() || width < 20 || width > 1000) return false;
        settings.width = width;
        settings.wrap = true;
        return true;
    }
    if (setting == "colour" || setting == "color") {
        if (automatic) {
            settings.colour.reset();
            return true;
        }
        const auto parsed = ClientSettings::from_text("colour=" + std::string{value}).colour;
        if (!parsed) return false;
        settings.colour = parsed;
        return true;
    }
    if (setting == "wrap" || setting == "screenreader") {
        auto& field = setting == "wrap" ? settings.wrap : settings.screen_reader;
        if (automatic) {
            field.reset();
        } else if (value == "on" || value == "off") {
            field = value == "on";
        } else {
            return false;
        }
        return true;
    }
    return false;
}

void do_client(CommandContext& ctx, std::string_view args) {
    if (args.empty()) {
        show(ctx.session);
        return;
    }
    const auto space = args.find_first_of(" \t");
    const auto setting = ascii_lower(args.substr(0, space));
    const auto value = ascii_lower(space == std::string_view::npos ? std::string_view{} : trim(args.substr(space + 1)));
    auto& profile = ctx.session.profile_for_update();
    if (!apply(profile.settings, setting, value)) {
        ctx.session.send(std::string{settings_help});
        return;
    }
    ctx.session.update_variant();
    // Kept for the next login of a registered name; a guest's go with the session.
    const bool kept = keep_setting(ctx.world, ctx.session, "client", profile.settings.to_text());
    ctx.session.send(fmt::format("client {} is now {}{}", setting, value,
                                 kept ? " (kept for your next login)." : " (for this session)."));
}

const Registration client{{.name = "client",
                           .rooms = RoomKind::login | RoomKind::chat,
                           .handler = do_client,
                           .usage = "client [width|colour|wrap|screenreader <value>]",
                           .help = "show what natter knows of your client, or override its width, colour, "
                                   "wrapping or screen-reader mode"}};

}  // namespace
}  // namespace natter::commands
