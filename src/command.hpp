// The contract between rooms and commands: what a command declares about
// itself (CommandSpec) and what its handler is given (CommandContext).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace natter {

class World;
class Session;
class Room;

enum class RoomKind : unsigned { login = 1U << 0U, chat = 1U << 1U, logout = 1U << 2U };

// A set of room kinds, built with `|`.
struct RoomSet {
    unsigned bits = 0;
    constexpr RoomSet(RoomKind kind) : bits{static_cast<unsigned>(kind)} {}  // NOLINT: implicit by design
    constexpr explicit RoomSet(unsigned b) : bits{b} {}
    [[nodiscard]] constexpr bool has(RoomKind kind) const { return (bits & static_cast<unsigned>(kind)) != 0; }
};
constexpr RoomSet operator|(RoomSet a, RoomSet b) { return RoomSet{a.bits | b.bits}; }
constexpr RoomSet operator|(RoomKind a, RoomKind b) { return RoomSet{a} | RoomSet{b}; }

struct CommandContext {
    World& world;
    Session& session;
    Room& room;
};

using CommandHandler = void (*)(CommandContext& ctx, std::string_view args);

struct CommandSpec {
    std::string_view name{};                // lower case; what `help` lists
    RoomSet rooms = RoomKind::chat;         // where the command exists
    CommandHandler handler = nullptr;
    std::string_view usage{};               // e.g. "say <text>"
    std::string_view help{};                // one line, for `help`
    std::vector<std::string_view> aliases{};  // other full names, e.g. "quit"
    std::string_view shortcuts{};           // leading characters that mean this verb, e.g. "'\""
    bool exact_only = false;                // never matched by a prefix (`sh` must not mean shutdown)
    bool operators_only = false;            // refused to others by Room::dispatch; `help` lists it to operators only
    bool keeps_away = false;                // typing it does not end being away (`who`, `look`, `help`)
    std::size_t index = 0;                  // its place in the registry, set by CommandRegistry::add (metrics count by it)
};

}  // namespace natter
