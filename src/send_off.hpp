// Sending a user off: the last line they see, then the disconnect. Each is
// written once here, for the local command and for the same order when it
// comes from another node, so both always say the same thing.
#pragma once

#include <string_view>

namespace natter {

class Session;
class World;
struct Ban;

// "kick": `reason` may be empty.
void kick_off(Session& user, std::string_view by, std::string_view reason);
// A new login with the right password took the name over.
void take_over(Session& user, std::string_view new_address);
// Another node holds the name now (this node was cut off meanwhile).
void name_lost_elsewhere(Session& user);
// Disconnects every session `ban` hits (by name or by address). All are
// found before anyone is disconnected.
void ban_off(World& world, const Ban& ban);

}  // namespace natter
