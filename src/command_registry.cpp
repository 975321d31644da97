#include "src/command_registry.hpp"

#include <algorithm>
#include <cassert>

namespace natter {

void CommandRegistry::add(CommandSpec spec) {
    assert(spec.handler != nullptr);
    spec.index = specs_.size();
    specs_.push_back(std::move(spec));
}

std::vector<const CommandSpec*> CommandRegistry::for_room(RoomKind kind) const {
    std::vector<const CommandSpec*> out;
    for (const auto& spec : specs_) {
        if (spec.rooms.has(kind)) out.push_back(&spec);
    }
    std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
    return out;
}

CommandRegistry& command_registry() {
    static CommandRegistry registry;
    return registry;
}

}  // namespace natter
