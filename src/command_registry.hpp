// Every command natter knows, registered by the file that defines it. Rooms
// build their command sets from here, and `help` reads the same list.
#pragma once

#include <vector>

#include "src/command.hpp"

namespace natter {

class CommandRegistry {
public:
    void add(CommandSpec spec);
    // In registration order is unspecified across files; sorted by name here.
    [[nodiscard]] std::vector<const CommandSpec*> for_room(RoomKind kind) const;
    [[nodiscard]] const std::vector<CommandSpec>& all() const { return specs_; }

private:
    std::vector<CommandSpec> specs_;
};

// The process-wide registry. A function-local static, so registrations from
// static objects in any translation unit find it constructed.
CommandRegistry& command_registry();

// A command file holds one of these at namespace scope to register itself.
struct Registration {
    explicit Registration(CommandSpec spec) { command_registry().add(std::move(spec)); }
};

}  // namespace natter
