// A place a session can be: its members in arrival order, broadcast to them,
// and the dispatch of typed lines to the room's own command set. Knows
// nothing of sockets; members are reached only through Session::send.
#pragma once

#include <list>
#include <string>
#include <string_view>
#include <vector>

#include "src/command.hpp"
#include "src/event.hpp"

namespace natter {

class Room {
public:
    Room(World& world, RoomKind kind, std::string name);
    virtual ~Room() = default;
    Room(const Room&) = delete;
    Room& operator=(const Room&) = delete;

    [[nodiscard]] RoomKind kind() const { return kind_; }
    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] const std::list<Session*>& members() const { return members_; }
    [[nodiscard]] const std::vector<const CommandSpec*>& commands() const { return commands_; }

    // The only entry point for input: blank lines are ignored, the verb is
    // matched case-insensitively, then by unique prefix; anything else goes
    // to on_unknown.
    void dispatch(Session& session, std::string_view line);

    // The command a verb names here (exact name or alias first, then a
    // unique prefix, never of an exact_only command), or nullptr; `ambiguous`
    // lists the candidates if several.
    [[nodiscard]] const CommandSpec* find_command(std::string_view verb,
                                                  std::vector<const CommandSpec*>* ambiguous = nullptr) const;

    // Called by Session::enter only; subclasses add their notices.
    virtual void add(Session& session);
    virtual void remove(Session& session);

    // Sends `event` to every member, rendered once for each variant among
    // them; members who ignore `speaker` (when given) are skipped, and so
    // is `skip` (when given).
    void broadcast(const Event& event, const Session* speaker = nullptr, const Session* skip = nullptr);
    // The same for a speaker known by name only (one on another node).
    void broadcast_from(const Event& event, std::string_view speaker_name);

protected:
    virtual void on_unknown(Session& session, std::string_view verb) = 0;
    // Called by dispatch for every line that is not blank, before it runs:
    // with the command it names, or nullptr if it names none.
    virtual void before_command(Session&, const CommandSpec*) {}

    World& world_;

private:
    // Sends `event` to every member `skip(member)` does not rule out.
    template <class Skip>
    void broadcast_unless(const Event& event, Skip skip);
    struct Verb {
        std::string key;  // lower case name or alias
        const CommandSpec* spec;
    };

    RoomKind kind_;
    std::string name_;
    std::list<Session*> members_;
    std::vector<const CommandSpec*> commands_;  // sorted by name, for help
    std::vector<Verb> verbs_;                   // sorted by key, for lookup
};

}  // namespace natter
