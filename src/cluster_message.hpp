// What one node tells the others over Redis: typed events, never rendered
// text, so that each node renders them for its own clients (SPEC §11). A
// pure codec: a message to one line of JSON and back, with every field
// checked, so a malformed or hostile payload is an error value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/error.hpp"

namespace natter {

struct ClusterMessage {
    enum class Kind {
        say,        // name said text in room (room channel)
        emote,      // name did text in room (room channel)
        here,       // name (of node) is now in room: logged in or moved (ctl)
        gone,       // name (of node) logged out (ctl)
        node_gone,  // node stopped renewing its lease: all its users are gone (ctl)
        announce,   // by (an operator) to everyone: text (ctl)
        ban,        // by banned name (or an address, when is_address), until expires, for text (ctl)
        tell,       // by told name text (the receiver's node channel)
        kick,       // by kicked name, for text (the receiver's node channel)
        takeover,   // name logged in elsewhere, from address (the old owner's node channel)
        shutdown,   // by stops every node in text seconds (ctl)
        reboot,     // by restarts every node, for text (ctl)
        account,    // name's account was text: registered, requested, approved or removed (ctl)
    };
    Kind kind = Kind::say;
    std::string node{};  // the node it comes from
    std::string name{};
    std::string room{};
    std::string text{};
    std::string by{};
    std::string address{};
    std::string via{};  // how the user is connected (operators see it)
    bool is_address = false;
    std::optional<std::int64_t> expires{};  // Unix seconds
    std::int64_t at_ms = 0;  // when it was said (Unix milliseconds)

    bool operator==(const ClusterMessage&) const = default;
};

[[nodiscard]] std::string encode(const ClusterMessage& message);
[[nodiscard]] Result<ClusterMessage> decode_cluster_message(std::string_view json);

// A room line as the room channel carries it: "<seq> <epoch>\n<json>".
struct RoomLine {
    std::uint64_t seq = 0;
    std::string epoch;  // changes when Redis lost its data: sequence numbers start again
    ClusterMessage message;
};
[[nodiscard]] Result<RoomLine> decode_room_line(std::string_view payload);
// Its header alone, the JSON left unread: a node drops a line it has
// already shown (its own, from the reply) without parsing it.
struct RoomLineHead {
    std::uint64_t seq = 0;
    std::string_view epoch;
    std::string_view body;  // the JSON
};
[[nodiscard]] Result<RoomLineHead> decode_room_line_head(std::string_view payload);

}  // namespace natter
