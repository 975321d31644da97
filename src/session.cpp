#include "src/session.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "rooms/room.hpp"
#include "src/names.hpp"
#include "src/text.hpp"
#include "src/world.hpp"

namespace natter {

Session::Session(World& world, std::string address)
    : world_{world},
      address_{std::move(address)},
      telnet_{*this},
      framer_{world.config().limits.line_max_bytes},
      connected_at_{world.now()},
      last_input_{connected_at_} {
    world_.attach(*this);
}

Session::~Session() {
    if (!closing_) disconnect("connection gone");
    if (room_ != nullptr) room_->remove(*this);
    world_.detach(*this);
}

void Session::start() { enter(world_.login_room()); }

void Session::receive(std::string_view bytes) {
    if (closing_) return;
    telnet_.receive(bytes);
}

void Session::on_telnet_data(std::string_view bytes) {
    if (closing_) return;
    framer_.feed(bytes, *this);
}

void Session::on_telnet_send(std::string_view bytes) { send_raw(bytes); }

void Session::on_telnet_command(unsigned char command) {
    switch (command) {
    case telnet_command::ayt:
        send("[" + world_.config().server.name + ": yes]");
        break;
    case telnet_command::ec:
        framer_.erase_character();
        break;
    case telnet_command::el:
    case telnet_command::ip:
    case telnet_command::brk:
        // An interrupt abandons the line being typed; nothing else to stop.
        framer_.erase_line();
        break;
    default:
        break;
    }
}

void Session::on_line(std::string_view raw) {
    if (closing_) return;
    last_input_ = world_.now();
    framer_.set_max_bytes(world_.config().limits.line_max_bytes);
    room_->dispatch(*this, sanitize(raw));
}

void Session::on_overlong_line() {
    send(fmt::format("Line too long (over {} bytes); it was discarded.", world_.config().limits.line_max_bytes));
}

void Session::send(std::string_view line) {
    if (!make_room_for(line.size() + 2)) return;
    outbox_.append(line).append("\r\n");
    world_.mark_pending(*this);
}

void Session::send_raw(std::string_view bytes) {
    if (!make_room_for(bytes.size())) return;
    outbox_.append(bytes);
    world_.mark_pending(*this);
}

bool Session::make_room_for(std::size_t bytes) {
    if (overflowed_) return false;
    if (outbox_.size() + in_flight_ + bytes > world_.config().limits.output_buffer_bytes) {
        // A client that stops reading must not cost memory or hold anyone up.
        overflowed_ = true;
        outbox_.clear();
        world_.defer_disconnect(*this, "output buffer full");
        return false;
    }
    return true;
}

void Session::enter(Room& room) {
    if (room_ != nullptr) room_->remove(*this);
    room_ = &room;
    room.add(*this);
}

void Session::disconnect(std::string_view reason) {
    if (closing_ || room_ == &world_.logout_room()) return;
    close_reason_ = reason;
    spdlog::info("disconnect {} {} ({})", address_, name_.empty() ? "-" : name_, reason);
    enter(world_.logout_room());
}

void Session::mark_closing() {
    closing_ = true;
    if (close_reason_.empty()) close_reason_ = "logout";
    world_.mark_pending(*this);
}

}  // namespace natter

namespace natter {

bool Session::ignores(const Session& other) const {
    if (ignored_.empty()) return false;
    const auto key = name_key(other.name_);
    return std::find(ignored_.begin(), ignored_.end(), key) != ignored_.end();
}

bool Session::ignore(std::string_view name) {
    auto key = name_key(name);
    if (std::find(ignored_.begin(), ignored_.end(), key) != ignored_.end()) return false;
    ignored_.push_back(std::move(key));
    return true;
}

bool Session::unignore(std::string_view name) { return std::erase(ignored_, name_key(name)) > 0; }

}  // namespace natter
