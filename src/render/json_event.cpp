#include "src/render/json_event.hpp"

#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "src/websocket_framer.hpp"

namespace natter {
namespace {

using Json = nlohmann::json;

std::string_view type_name(EventKind kind) {
    switch (kind) {
    case EventKind::say:
        return "say";
    case EventKind::emote:
        return "emote";
    case EventKind::tell:
        return "tell";
    case EventKind::tell_sent:
        return "tell_sent";
    case EventKind::entered:
        return "entered";
    case EventKind::left:
        return "left";
    case EventKind::announce:
        return "announce";
    case EventKind::notice:
        return "notice";
    case EventKind::system:
        return "system";
    case EventKind::prompt:
        return "prompt";
    case EventKind::signed_in:
        return "signed_in";
    case EventKind::channels:
        return "rooms";
    case EventKind::room_state:
        return "room";
    case EventKind::players:
        return "who";
    case EventKind::goodbye:
        return "goodbye";
    }
    return "system";
}

Json names(std::span<const std::string_view> list) {
    Json out = Json::array();
    for (const auto name : list) out.push_back(name);
    return out;
}

}  // namespace

void append_event_json(const Event& e, std::string_view text, std::string& out) {
    Json j{{"v", web_json_version}, {"type", type_name(e.kind)}};
    switch (e.kind) {
    case EventKind::say:
    case EventKind::emote:
        j["from"] = e.actor;
        j["room"] = e.room;
        j["message"] = e.text;
        break;
    case EventKind::tell:
    case EventKind::tell_sent:
        j["from"] = e.actor;
        j["to"] = e.target;
        j["message"] = e.text;
        break;
    case EventKind::entered:
    case EventKind::left:
        j["who"] = e.actor;
        j["room"] = e.room;
        break;
    case EventKind::announce:
        j["from"] = e.actor;
        j["message"] = e.text;
        break;
    case EventKind::prompt:
        j["secret"] = true;  // every prompt natter makes asks for a password
        break;
    case EventKind::signed_in:
        j["name"] = e.actor;
        j["room"] = e.room;
        break;
    case EventKind::channels:
        j["rooms"] = names(e.rooms);
        break;
    case EventKind::room_state:
        j["room"] = e.room;
        j["people"] = names(e.people);
        break;
    case EventKind::players: {
        Json people = Json::array();
        for (std::size_t i = 0; i < e.people.size(); ++i) {
            people.push_back(Json{{"name", e.people[i]}, {"room", i < e.rooms.size() ? e.rooms[i] : ""}});
        }
        j["people"] = std::move(people);
        break;
    }
    case EventKind::goodbye:
        j["reason"] = e.text;
        break;
    default:
        break;
    }
    if (!text.empty()) j["text"] = text;
    if (e.at != std::chrono::system_clock::time_point{}) {
        j["at"] = fmt::format("{:%FT%TZ}", std::chrono::floor<std::chrono::seconds>(e.at));
    }
    out.append(j.dump(-1, ' ', false, Json::error_handler_t::replace));
}

void append_event_frame(const Event& event, std::string_view text, std::string& out) {
    std::string json;
    append_event_json(event, text, json);
    WebSocketFramer::append_frame(out, WebSocketFramer::Opcode::text, json);
}

}  // namespace natter
