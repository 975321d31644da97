#include "rooms/room.hpp"

#include <algorithm>
#include <cassert>

#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/render/render.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/world.hpp"

namespace natter {

Room::Room(World& world, RoomKind kind, std::string name)
    : world_{world}, kind_{kind}, name_{std::move(name)}, commands_{command_registry().for_room(kind)} {
    for (const auto* spec : commands_) {
        verbs_.push_back({std::string{spec->name}, spec});
        for (auto alias : spec->aliases) verbs_.push_back({std::string{alias}, spec});
    }
    std::sort(verbs_.begin(), verbs_.end(), [](const Verb& a, const Verb& b) { return a.key < b.key; });
}

const CommandSpec* Room::find_command(std::string_view verb, std::vector<const CommandSpec*>* ambiguous) const {
    const auto key = ascii_lower(verb);
    auto it = std::lower_bound(verbs_.begin(), verbs_.end(), key,
                               [](const Verb& v, const std::string& k) { return v.key < k; });
    if (it != verbs_.end() && it->key == key) return it->spec;

    std::vector<const CommandSpec*> candidates;
    for (; it != verbs_.end() && it->key.starts_with(key); ++it) {
        if (it->spec->exact_only) continue;
        if (std::find(candidates.begin(), candidates.end(), it->spec) == candidates.end()) {
            candidates.push_back(it->spec);
        }
    }
    if (candidates.size() == 1) return candidates.front();
    if (ambiguous != nullptr) *ambiguous = std::move(candidates);
    return nullptr;
}

void Room::dispatch(Session& session, std::string_view line) {
    line = trim(line);
    if (line.empty()) return;

    // One-character shortcuts such as ' for say need no space after them.
    for (const auto* spec : commands_) {
        if (spec->shortcuts.find(line.front()) != std::string_view::npos) {
            ++world_.metrics().command_lines[spec->index];
            before_command(session, spec);
            CommandContext ctx{world_, session, *this};
            spec->handler(ctx, trim(line.substr(1)));
            return;
        }
    }

    const auto space = line.find_first_of(" \t");
    const auto verb = line.substr(0, space);
    const auto args = space == std::string_view::npos ? std::string_view{} : trim(line.substr(space + 1));

    std::vector<const CommandSpec*> candidates;
    const auto* spec = find_command(verb, &candidates);
    before_command(session, spec);
    if (spec != nullptr) {
        ++world_.metrics().command_lines[spec->index];
        if (spec->operators_only && !world_.accounts().is_operator(session)) {
            session.send("You are not allowed to use \"" + std::string{spec->name} + "\": it is for operators.");
            return;
        }
        CommandContext ctx{world_, session, *this};
        spec->handler(ctx, args);
    } else if (candidates.size() > 1) {
        ++world_.metrics().unknown_lines;
        std::string names;
        for (const auto* c : candidates) names += (names.empty() ? "" : ", ") + std::string{c->name};
        session.send("Ambiguous command \"" + std::string{verb} + "\": " + names);
    } else {
        ++world_.metrics().unknown_lines;
        on_unknown(session, verb);
    }
}

void Room::add(Session& session) {
    session.room_position_ = members_.insert(members_.end(), &session);
}

void Room::remove(Session& session) {
    assert(session.room() == this);
    members_.erase(session.room_position_);
}

void Room::broadcast(const Event& event, const Session* speaker, const Session* skip) {
    broadcast_unless(event, [speaker, skip](const Session& member) {
        return &member == skip || (speaker != nullptr && member.ignores(*speaker));
    });
}

void Room::broadcast_from(const Event& event, std::string_view speaker_name) {
    broadcast_unless(event, [speaker_name](const Session& member) { return member.ignores_name(speaker_name); });
}

template <class Skip>
void Room::broadcast_unless(const Event& event, Skip skip) {
    RenderCache cache{event};
    // Members of one variant usually come in runs (all of them, in a room
    // of plain clients): the bytes are looked up again only when it changes.
    std::uint32_t key = 0;
    std::string_view bytes;
    bool looked_up = false;
    std::uint64_t delivered = 0;
    for (auto* member : members_) {
        if (skip(*member)) continue;
        if (!looked_up || member->variant_key() != key) {
            key = member->variant_key();
            bytes = cache.bytes_for(member->variant(), key);
            looked_up = true;
        }
        if (!bytes.empty() && member->send_raw(bytes)) ++delivered;
    }
    world_.metrics().deliveries += delivered;
    world_.count_broadcast(cache.renders());
}

}  // namespace natter
