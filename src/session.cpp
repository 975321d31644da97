#include "src/session.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "rooms/room.hpp"
#include "src/accounts.hpp"
#include "src/disconnect_kind.hpp"
#include "src/gmcp_core.hpp"
#include "src/gmcp_handlers.hpp"
#include "src/mssp.hpp"
#include "src/render/gmcp_messages.hpp"
#include "src/render/render.hpp"
#include "src/names.hpp"
#include "src/password.hpp"
#include "src/text.hpp"
#include "src/world.hpp"

namespace natter {

Session::Session(World& world, std::string address, ListenerKind kind)
    : world_{world},
      address_{std::move(address)},
      framer_{world.config().limits.line_max_bytes},
      connected_at_{world.now()},
      last_input_{connected_at_},
      kind_{kind} {
    world_.attach(*this);
    if (kind_ == ListenerKind::web) {
        // A web client gets JSON, one WebSocket message per event.
        variant_.json = true;
        variant_key_ = variant_.key();
    }
}

Session::~Session() {
    if (!closing_) disconnect("connection gone");
    if (room_ != nullptr) room_->remove(*this);
    world_.detach(*this);
    if (extras_) {
        for (auto& line : extras_->held_lines) wipe(line);
    }
}

void Session::start() {
    if (const auto refusal = world_.accounts().refusal_for_address(address_)) {
        send(*refusal);
        disconnect("refused: banned or locked out");
        return;
    }
    // A mud listener offers its options in the same write as the welcome,
    // and never waits for the answers.
    if (kind_ == ListenerKind::mud) negotiation::offer(profile_for_update(), telnet_, *this, mccp_allowed());
    enter(world_.login_room());
}

void Session::receive(std::string_view bytes) {
    if (closing_) return;
    telnet_.receive(bytes, *this);
}

void Session::receive_text(std::string_view text) {
    if (closing_) return;
    // CR LF, LF or CR end a line; a message without one is one line.
    while (!closing_) {
        const auto end = text.find_first_of("\r\n");
        on_line(text.substr(0, end));
        if (end == std::string_view::npos) return;
        const auto next = text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? end + 2 : end + 1;
        text.remove_prefix(next);
        if (text.empty()) return;
    }
}

void Session::on_telnet_data(std::string_view bytes) {
    if (closing_) return;
    framer_.feed(bytes, *this);
}

void Session::on_telnet_send(std::string_view bytes) { send_raw(bytes); }

void Session::on_telnet_command(unsigned char command) {
    switch (command) {
    case telnet_cmd::ayt:
        send("[" + world_.config().server.name + ": yes]");
        break;
    case telnet_cmd::ec:
        framer_.erase_character();
        break;
    case telnet_cmd::el:
    case telnet_cmd::ip:
    case telnet_cmd::brk:
        // An interrupt abandons the line being typed; nothing else to stop.
        framer_.erase_line();
        break;
    default:
        break;
    }
}

// Oversized subnegotiations a client may send before it is disconnected: no
// real client sends one (the bounds are several times what they use), so a
// few are forgiven and a stream of them is an attack.
constexpr unsigned max_oversized_subnegotiations = 8;

void Session::on_telnet_violation(TelnetViolation violation, unsigned char option, unsigned count) {
    if (closing_) return;
    switch (violation) {
    case TelnetViolation::client_compression:
        spdlog::warn("closing {}: the client started compressing its input (IAC SB {} IAC SE), which is never "
                     "accepted",
                     address_, option);
        send("Compressed input is not supported; disconnecting.");
        disconnect("client-started compression");
        break;
    case TelnetViolation::oversized_subnegotiation:
        if (count == 1) {
            spdlog::warn("{}: discarding oversized telnet subnegotiations (option {}, over {} bytes)", address_,
                         option, Telnet::max_subnegotiation_bytes(option));
        }
        if (count > max_oversized_subnegotiations) {
            send("Too many oversized telnet subnegotiations; disconnecting.");
            disconnect("oversized telnet subnegotiations");
        }
        break;
    }
}

bool Session::telnet_accepts(unsigned char option, TelnetSide side) {
    // Echo is ours to give up only while a password is typed.
    if (option == telnet_opt::echo) return side == TelnetSide::local && echo_off_;
    return negotiation::accepts(option, side, mccp_allowed());
}

void Session::on_telnet_option(unsigned char option, TelnetSide side, bool enabled) {
    if (option == telnet_opt::echo) return;  // echo_off_ says what we want
    negotiation::on_option(profile_for_update(), telnet_, *this, option, side, enabled);
}

void Session::on_telnet_subnegotiation(unsigned char option, std::string_view payload) {
    if (closing_) return;
    negotiation::on_subnegotiation(profile_for_update(), telnet_, *this, option, payload);
}

ClientProfile& Session::profile_for_update() {
    if (!profile_) profile_ = std::make_unique<ClientProfile>();
    return *profile_;
}

void Session::keep_alive(Clock::time_point now, std::chrono::seconds after) {
    if (!profile_ || !profile_->mud_client || closing_) return;
    if (now - last_input_ < after || now - profile_->last_keepalive < after) return;
    profile_->last_keepalive = now;
    constexpr char nop[] = {'\xFF', '\xF1'};
    send_raw({nop, sizeof nop});
}

void Session::update_variant() {
    if (kind_ == ListenerKind::web) return;  // JSON, whatever the settings say
    variant_ = profile_ ? profile_->variant() : plain_variant;
    variant_key_ = variant_.key();
}

void Session::on_mssp_requested() { send_raw(mssp_subnegotiation(mssp_variables(world_))); }

void Session::on_gmcp(std::string_view package, std::string_view body) {
    if (closing_) return;
    auto& profile = profile_for_update();
    if (auto reply = gmcp::apply_core(profile, package, body)) {
        if (!reply->empty()) send_raw(*reply);
        update_variant();
        // A client that can log in over GMCP (Mudlet) is told how, while it
        // has yet to.
        if (!profile.gmcp_login_offered && room_ == &world_.login_room() && gmcp::listed(profile, "char.login")) {
            profile.gmcp_login_offered = true;
            std::string offer;
            append_gmcp_message("Char.Login.Default", R"({"type":["password-credentials"]})", offer);
            send_raw(offer);
        }
        return;
    }
    if (const auto handler = find_gmcp_handler(package)) handler(*this, body);
}

void Session::on_compression(bool on) {
    auto& profile = profile_for_update();
    if (on) {
        if (profile.mccp.active() || mccp_starting_ || closing_) return;
        // What was queued before goes plain, in a write of its own; the
        // marker and the first compressed bytes then go together.
        profile.compressed.append(outbox_);
        outbox_.clear();
        mccp_starting_ = true;
        world_.mark_pending(*this);
    } else {
        mccp_starting_ = false;
        end_compression();
    }
}

void Session::end_compression() {
    if (!profile_ || !profile_->mccp.active()) return;
    auto& profile = *profile_;
    profile.mccp.compress(outbox_, profile.compressed);
    outbox_.clear();
    // Plain bytes after the end of the stream wait for a later write:
    // output() hands out `compressed` until it is empty.
    profile.mccp.finish(profile.compressed);
    world_.mark_pending(*this);
}

std::string& Session::output() {
    if (!profile_) return outbox_;
    auto& profile = *profile_;
    auto& wire = profile.compressed;
    if (!wire.empty()) return wire;
    if (mccp_starting_ && !outbox_.empty()) {
        mccp_starting_ = false;
        if (!profile.mccp.start(wire)) return outbox_;  // no memory for zlib: stay plain
    }
    if (profile.mccp.active()) {
        if (!outbox_.empty()) {
            profile.mccp.compress(outbox_, wire);
            outbox_.clear();
        }
        return wire;
    }
    return outbox_;
}

void Session::set_server_echo(bool on) {
    if (kind_ == ListenerKind::web) return;  // the page shows a password field instead
    if (on) {
        telnet_.enable(telnet_opt::echo, TelnetSide::local, *this);
    } else {
        telnet_.disable(telnet_opt::echo, TelnetSide::local, *this);
    }
}

void Session::on_line(std::string_view raw) {
    if (closing_) return;
    const auto now = world_.now();
    const auto& limits = world_.config().limits;
    switch (flood_gate_.admit(now, limits.flood_burst, limits.flood_per_second)) {
    case FloodGate::Verdict::pass:
        break;
    case FloodGate::Verdict::drop_warn:
        ++world_.metrics().flood_dropped_lines;
        send(fmt::format("You are sending lines too fast (more than {} a second); they are being dropped.",
                         limits.flood_per_second));
        return;
    case FloodGate::Verdict::drop:
        ++world_.metrics().flood_dropped_lines;
        return;
    case FloodGate::Verdict::disconnect:
        send("Disconnected for flooding.");
        disconnect("flooding");
        return;
    }
    last_input_ = now;
    idle_warned_ = false;
    framer_.set_max_bytes(limits.line_max_bytes);
    take_line(raw);
}

void Session::on_overlong_line() {
    send(fmt::format("Line too long (over {} bytes); it was discarded.", world_.config().limits.line_max_bytes));
}

void Session::send(std::string_view line) {
    if (!variant_.plain()) {
        deliver(Event{.kind = EventKind::system, .text = line});
        return;
    }
    if (!make_room_for(line.size() + 2)) return;
    outbox_.append(line).append("\r\n");
    ++world_.metrics().deliveries;
    world_.queued(*this, line.size() + 2);
}

void Session::deliver(const Event& event) {
    std::string bytes;
    render(event, variant_, bytes);
    if (!bytes.empty() && send_raw(bytes)) ++world_.metrics().deliveries;
}

bool Session::send_raw(std::string_view bytes) {
    if (!make_room_for(bytes.size())) return false;
    outbox_.append(bytes);
    world_.queued(*this, bytes.size());
    return true;
}

bool Session::make_room_for(std::size_t bytes) {
    if (abandoned_) return false;
    if (pending_output() + bytes > world_.config().limits.output_buffer_bytes) {
        // A client that stops reading must not cost memory or hold anyone up.
        abandon("output buffer full");
        return false;
    }
    return true;
}

void Session::abandon(std::string reason) {
    if (abandoned_) return;
    abandoned_ = true;
    outbox_.clear();
    world_.defer_disconnect(*this, std::move(reason));
    // A closing session is closed from the flush, which must look at it.
    world_.mark_pending(*this);
}

void Session::enter(Room& room) {
    if (room_ != nullptr) room_->remove(*this);
    room_ = &room;
    room.add(*this);
}

void Session::disconnect(std::string_view reason) {
    if (closing_ || room_ == &world_.logout_room()) return;
    extras().close_reason = reason;
    world_.metrics().count_disconnect(classify_disconnect(reason));
    if (!quiet_) spdlog::info("disconnect {} {} ({})", address_, name_.empty() ? "-" : name_, reason);
    if (variant_.structured()) deliver(Event{.kind = EventKind::goodbye, .text = reason});
    enter(world_.logout_room());
}

void Session::mark_closing() {
    // The compressed stream ends cleanly before the connection does; one
    // about to start starts first if it can, so the client sees one whole
    // stream either way.
    if (mccp_starting_) static_cast<void>(output());
    mccp_starting_ = false;
    end_compression();
    closing_ = true;
    if (extras().close_reason.empty()) extras().close_reason = "logout";
    world_.mark_pending(*this);
}

}  // namespace natter

namespace natter {

bool Session::ignores_listed(const Session& other) const {
    const auto key = name_key(other.name_);
    const auto& ignored = extras_->ignored;
    return std::find(ignored.begin(), ignored.end(), key) != ignored.end();
}

bool Session::ignores_name(std::string_view name) const {
    if (!extras_ || extras_->ignored.empty()) return false;
    const auto key = name_key(name);
    return std::find(extras_->ignored.begin(), extras_->ignored.end(), key) != extras_->ignored.end();
}

bool Session::ignore(std::string_view name) {
    auto key = name_key(name);
    auto& ignored = extras().ignored;
    if (std::find(ignored.begin(), ignored.end(), key) != ignored.end()) return false;
    ignored.push_back(std::move(key));
    return true;
}

bool Session::unignore(std::string_view name) { return extras_ && std::erase(extras_->ignored, name_key(name)) > 0; }

Session::Extras& Session::extras() {
    if (!extras_) extras_ = std::make_unique<Extras>();
    return *extras_;
}

namespace {
const std::string no_text;
const std::vector<std::string> no_names;
}  // namespace

const std::string& Session::close_reason() const { return extras_ ? extras_->close_reason : no_text; }
const std::string& Session::reply_to() const { return extras_ ? extras_->reply_to : no_text; }
const std::vector<std::string>& Session::ignored() const { return extras_ ? extras_->ignored : no_names; }

UserInfo& Session::info_for_update() {
    auto& info = extras().info;
    if (!info) info = std::make_unique<UserInfo>();
    return *info;
}

}  // namespace natter

namespace natter {

// Held lines beyond this are dropped: someone typing while a password is
// checked gets a few lines kept, a flood gets none of them.
constexpr std::size_t max_held_lines = 64;

void Session::take_line(std::string_view raw) {
    if (holding_input_) {
        secret_input_ = true;
        if (extras().held_lines.size() < max_held_lines) extras().held_lines.emplace_back(raw);
        return;
    }
    if (extras_ && extras_->secret_handler) {
        secret_input_ = true;
        auto handler = std::move(extras_->secret_handler);
        extras_->secret_handler = nullptr;
        std::string secret{raw};
        handler(*this, secret);
        wipe(secret);
        if (!extras_->secret_handler && echo_off_) {
            echo_off_ = false;
            set_server_echo(false);
        }
        return;
    }
    if (extras_) extras_->secret_origin.clear();
    const auto line = sanitize(raw);
    world_.dispatching_ = line;
    room_->dispatch(*this, line);
    world_.dispatching_ = {};
}

bool Session::mccp_allowed() const { return world_.config().telnet.mccp && !encrypted_; }

void Session::ask_secret(std::string_view prompt, SecretHandler handler) {
    extras().secret_handler = std::move(handler);
    // The first prompt of a flow comes from the command typed; later ones
    // from its handlers, keeping that command.
    if (!world_.dispatching_.empty()) extras_->secret_origin = world_.dispatching_;
    if (!echo_off_) {
        echo_off_ = true;
        set_server_echo(true);
    }
    deliver(Event{.kind = EventKind::prompt, .text = prompt});
}

void Session::hold_input() { holding_input_ = true; }

void Session::release_input() {
    holding_input_ = false;
    // A replayed line may hold input again (a pipelined login): stop there.
    while (!holding_input_ && !closing_ && extras_ && !extras_->held_lines.empty()) {
        auto& held = extras_->held_lines;
        std::string line = std::move(held.front());
        wipe(held.front());
        held.erase(held.begin());
        take_line(line);
        wipe(line);
    }
}

}  // namespace natter
