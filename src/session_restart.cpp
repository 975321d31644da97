// Session's side of a hot restart: its state as a SessionSnapshot and back.
#include <algorithm>

#include "rooms/room.hpp"
#include "src/clock_ticks.hpp"
#include "src/restart_state.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter {
namespace {

ProfileSnapshot profile_snapshot(const ClientProfile& p) {
    return {.terminal_types = p.terminal_types,
            .mtts = p.mtts,
            .width = p.width,
            .height = p.height,
            .charset = static_cast<std::uint8_t>(p.charset),
            .client_name = p.client_name,
            .client_version = p.client_version,
            .env_screen_reader = p.env_screen_reader,
            .env_colour = static_cast<std::uint8_t>(p.env_colour),
            .gmcp_packages = p.gmcp_packages,
            .gmcp = p.gmcp,
            .eor = p.eor,
            .sga = p.sga,
            .mud_client = p.mud_client,
            .mccp_wanted = p.mccp_wanted,
            .naws = p.naws,
            .ttype = static_cast<std::uint8_t>(p.ttype),
            .ttype_rounds = p.ttype_rounds,
            .charset_phase = p.charset_phase,
            .mssp = p.mssp,
            .gmcp_login_offered = p.gmcp_login_offered,
            .settings = p.settings.to_text()};
}

void restore_profile(ClientProfile& p, const ProfileSnapshot& s) {
    p.terminal_types = s.terminal_types;
    p.mtts = s.mtts;
    p.width = s.width;
    p.height = s.height;
    p.charset = s.charset <= static_cast<std::uint8_t>(Charset::ascii) ? static_cast<Charset>(s.charset)
                                                                        : Charset::unknown;
    p.client_name = s.client_name;
    p.client_version = s.client_version;
    p.env_screen_reader = s.env_screen_reader;
    p.env_colour = s.env_colour <= static_cast<std::uint8_t>(ColourDepth::truecolor)
                       ? static_cast<ColourDepth>(s.env_colour)
                       : ColourDepth::none;
    p.gmcp_packages = s.gmcp_packages;
    p.gmcp = s.gmcp;
    p.eor = s.eor;
    p.sga = s.sga;
    p.mud_client = s.mud_client;
    p.mccp_wanted = false;  // asked again: see resume_after_restart
    p.naws = s.naws;
    p.ttype = s.ttype <= static_cast<std::uint8_t>(ClientProfile::Ttype::over) ? static_cast<ClientProfile::Ttype>(s.ttype)
                                                                                : ClientProfile::Ttype::over;
    p.ttype_rounds = s.ttype_rounds;
    p.charset_phase = s.charset_phase;
    p.mssp = s.mssp;
    p.gmcp_login_offered = s.gmcp_login_offered;
    p.settings = ClientSettings::from_text(s.settings);
}

}  // namespace

void Session::prepare_restart() {
    mccp_starting_ = false;
    if (profile_ && profile_->mccp.active()) {
        end_compression();
        extras().offer_mccp = true;
    } else if (profile_ && profile_->mccp_wanted) {
        extras().offer_mccp = true;  // agreed, not started yet
    }
    // Our side of MCCP2 ends here: the new process offers it again.
    telnet_.forget_local(telnet_opt::mccp2);
}

SessionSnapshot Session::snapshot() const {
    SessionSnapshot s;
    s.address = address_;
    s.kind = kind_;
    const bool logged_in = !name_.empty() && world_.find_user(name_) == this;
    if (logged_in) {
        s.name = name_;
        if (room_ != nullptr && room_->kind() == RoomKind::chat) s.room = room_->name();
    }
    s.authenticated = authenticated_;
    s.encrypted = encrypted_;
    s.echo_off = echo_off_;
    s.idle_warned = idle_warned_;
    s.connected_at_ns = steady_ns(connected_at_);
    s.last_input_ns = steady_ns(last_input_);
    if (extras_) {
        s.reply_to = extras_->reply_to;
        s.ignored = extras_->ignored;
        if (const auto* info = extras_->info.get()) {
            s.has_info = true;
            s.description = info->description;
            s.profile_lines = info->profile;
            s.away = info->away;
            s.away_idle = info->away_idle;
            s.away_message = info->away_message;
        }
        // A flow under way: at a prompt, or waiting for its check.
        if (extras_->secret_handler || holding_input_) s.secret_origin = extras_->secret_origin;
    }
    if (profile_) {
        s.has_profile = true;
        s.profile = profile_snapshot(*profile_);
        s.profile.mccp_wanted = extras_ && extras_->offer_mccp;
    }
    s.telnet = telnet_.snapshot();
    s.framer = framer_.snapshot();
    s.flood = flood_gate_.snapshot();
    // In wire order: the end of a compressed stream, then plain bytes.
    if (profile_) s.outbox = profile_->compressed;
    s.outbox += outbox_;
    return s;
}

void Session::restore(const SessionSnapshot& s) {
    authenticated_ = s.authenticated;
    encrypted_ = s.encrypted;
    echo_off_ = s.echo_off;
    idle_warned_ = s.idle_warned;
    connected_at_ = steady_at(s.connected_at_ns);
    last_input_ = steady_at(s.last_input_ns);
    if (!s.reply_to.empty()) extras().reply_to = s.reply_to;
    if (!s.ignored.empty()) extras().ignored = s.ignored;
    if (s.has_info) {
        auto& info = info_for_update();
        info.description = s.description;
        info.profile = s.profile_lines;
        info.away = s.away;
        info.away_idle = s.away_idle;
        info.away_message = s.away_message;
    }
    if (!s.secret_origin.empty()) extras().secret_origin = s.secret_origin;
    if (s.has_profile) {
        restore_profile(profile_for_update(), s.profile);
        if (s.profile.mccp_wanted) extras().offer_mccp = true;
    }
    update_variant();
    telnet_.restore(s.telnet);
    framer_.restore(s.framer);
    flood_gate_.restore(s.flood);
    if (!s.outbox.empty()) send_raw(s.outbox);

    // Back where it was, quietly: no one hears of an arrival.
    Room* room = &world_.login_room();
    if (!s.name.empty() && world_.find_user(s.name) == nullptr) {
        name_ = s.name;
        world_.add_user(*this);
        room = s.room.empty() ? nullptr : world_.find_room(s.room);
        if (room == nullptr) room = &world_.main_room();  // gone from the configuration
    }
    room_ = room;
    room->Room::add(*this);
}

void Session::resume_after_restart() {
    if (closing_) return;
    // A flow still alive (a restart that did not happen) carries on as it
    // was; one that crossed is started again from its command.
    const bool live_flow = holding_input_ || (extras_ && extras_->secret_handler);
    const bool saved_flow = !live_flow && extras_ && !extras_->secret_origin.empty();
    // Echo was off for a prompt that is no more: the client echoes again.
    if (echo_off_ && !live_flow && !saved_flow) {
        echo_off_ = false;
        set_server_echo(false);
    }
    if (!extras_) return;
    if (extras_->offer_mccp) {
        extras_->offer_mccp = false;
        if (mccp_allowed()) telnet_.enable(telnet_opt::mccp2, TelnetSide::local, *this);
    }
    if (saved_flow) {
        // The prompt is asked again by typing its command again.
        const std::string line = std::move(extras_->secret_origin);
        extras_->secret_origin.clear();
        extras_->secret_handler = nullptr;
        world_.dispatching_ = line;
        room_->dispatch(*this, line);
        world_.dispatching_ = {};
    }
}

}  // namespace natter
