// What happens in the chat, as data: who did what, where, when. Rooms and
// commands make events; a renderer turns one into bytes once for each
// rendering variant among its receivers (src/render/). An event only views
// strings that outlive the call it is passed to, so making one costs
// nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

namespace natter {

enum class EventKind : std::uint8_t {
    say,         // actor said text in room
    emote,       // actor did text in room
    tell,        // actor told the receiver text
    tell_sent,   // to the sender: actor told target text
    entered,     // actor entered room (detail: their address, when shown)
    left,        // actor left room
    announce,    // an operator (actor) to everyone: text
    notice,      // the server to everyone: text (shutting down, restarting)
    system,      // the server to one session: a line of text (replies, listings)
    prompt,      // the server waits for input after text (a password)
    signed_in,   // the receiver is now actor, in room
    channels,    // the rooms there are (rooms), as chat channels
    room_state,  // the receiver entered room, where people are
    players,     // who is logged in (people, each in rooms[i]), asked for by the client
    goodbye,     // the connection is about to close: text says why
    shout,       // actor shouted text to everyone logged in
    shout_emote, // actor did text, shown to everyone logged in
    away,        // actor in room is away: text is their message; detail "idle" when marked for idling
    back,        // actor in room is back
    topic,       // actor set room's topic to text (empty: cleared it)
    mail_notice, // to the receiver: actor left them mail
};

struct Event {
    EventKind kind = EventKind::system;
    std::string_view actor{};
    std::string_view target{};
    std::string_view room{};
    std::string_view text{};
    std::string_view detail{};
    // For room_state, the people in room; for players, the people logged
    // in, each in rooms[i]; for channels, rooms lists the rooms. Filled
    // only for receivers whose variant shows them (Variant::structured()).
    std::span<const std::string_view> people{};
    std::span<const std::string_view> rooms{};
    std::chrono::system_clock::time_point at{};
};

}  // namespace natter
