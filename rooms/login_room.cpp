#include "rooms/login_room.hpp"

#include "src/session.hpp"
#include "src/world.hpp"

namespace natter {

void LoginRoom::add(Session& session) {
    Room::add(session);
    session.send("Welcome to " + world_.config().server.name);
    for (const auto& line : world_.config().server.motd) session.send(line);
}

void LoginRoom::on_unknown(Session& session, std::string_view) {
    // Classic: two lines, whatever was typed.
    session.send("Please log in");
    session.send("Use \"login <nick>\"");
}

}  // namespace natter
