// A room's topic as it is kept: what it says, who set it and when. The
// account store keeps the permanent rooms' topics; a chat room holds its
// own. Plain data.
#pragma once

#include <cstdint>
#include <string>

namespace natter {

struct RoomTopic {
    std::string room;  // the room's name as configured
    std::string text;  // sanitised; empty: no topic
    std::string by;    // who set it
    std::int64_t set_at = 0;  // Unix seconds
};

}  // namespace natter
