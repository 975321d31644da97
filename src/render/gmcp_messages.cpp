#include "src/render/gmcp_messages.hpp"

#include <nlohmann/json.hpp>

#include "src/telnet.hpp"

namespace natter {
namespace {

using Json = nlohmann::json;

// Text fields are cut so a message stays under its bound (at a UTF-8
// character boundary).
constexpr std::size_t max_text_bytes = 3000;

std::string_view clip(std::string_view text) {
    if (text.size() <= max_text_bytes) return text;
    std::size_t end = max_text_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

std::string dump(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json player(std::string_view name) { return Json{{"name", name}, {"fullname", name}}; }

void channel_text(std::string_view channel, std::string_view talker, std::string_view line, std::string& out) {
    append_gmcp_message("Comm.Channel.Text",
                        dump(Json{{"channel", channel}, {"talker", talker}, {"text", clip(line)}}), out);
}

// Sends `items` as `first` messages of JSON arrays no longer than the bound;
// with `rest` set, items past the first page go one by one as `rest`.
void paged(std::string_view first, std::string_view rest, const std::vector<Json>& items, std::string& out) {
    Json page = Json::array();
    std::size_t size = 2;
    std::size_t i = 0;
    const auto flush = [&] {
        append_gmcp_message(first, dump(page), out);
        page = Json::array();
        size = 2;
    };
    for (; i < items.size(); ++i) {
        const auto item = dump(items[i]);
        if (size + item.size() + 1 > max_gmcp_message_bytes - first.size() - 8) {
            if (!rest.empty()) break;
            flush();
        }
        page.push_back(items[i]);
        size += item.size() + 1;
    }
    flush();
    for (; i < items.size(); ++i) append_gmcp_message(rest, dump(items[i]), out);
}

}  // namespace

std::uint32_t room_number(std::string_view room) {
    std::uint32_t h = 2166136261U;  // FNV-1a of the lower-case name
    for (const char c : room) h = (h ^ static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c)) * 16777619U;
    return h & 0x7FFFFFFFU;  // positive in every JSON reader
}

void append_gmcp_message(std::string_view package, std::string_view json, std::string& out) {
    std::string payload{package};
    if (!json.empty()) payload.append(" ").append(json);
    out.append(Telnet::subnegotiation(telnet_opt::gmcp, payload));
}

void append_gmcp(const Event& e, const Variant& v, std::string_view line, std::string& out) {
    if (!v.gmcp) return;
    switch (e.kind) {
    case EventKind::say:
    case EventKind::emote:
        if (v.gmcp_comm) channel_text(e.room, e.actor, line, out);
        break;
    case EventKind::tell:
    case EventKind::tell_sent:
        if (v.gmcp_comm) channel_text("tell", e.actor, line, out);
        break;
    case EventKind::announce:
        if (v.gmcp_comm) channel_text("announce", e.actor, line, out);
        break;
    case EventKind::shout:
    case EventKind::shout_emote:
        if (v.gmcp_comm) channel_text("shout", e.actor, line, out);
        break;
    case EventKind::topic:
        // Said in the room, like a say: a client's room tab shows it.
        if (v.gmcp_comm) channel_text(e.room, e.actor, line, out);
        break;
    case EventKind::entered:
        if (v.gmcp_room) append_gmcp_message("Room.AddPlayer", dump(player(e.actor)), out);
        break;
    case EventKind::left:
        if (v.gmcp_room) append_gmcp_message("Room.RemovePlayer", dump(Json(e.actor)), out);
        break;
    case EventKind::signed_in:
        if (v.gmcp_char) append_gmcp_message("Char.Name", dump(player(e.actor)), out);
        break;
    case EventKind::channels: {
        if (!v.gmcp_comm) break;
        std::vector<Json> channels;
        for (const auto room : e.rooms) {
            channels.push_back(Json{{"name", room}, {"caption", std::string{room} + " (room)"},
                                    {"command", "join " + std::string{room}}});
        }
        channels.push_back(Json{{"name", "tell"}, {"caption", "private messages"}, {"command", "tell"}});
        channels.push_back(Json{{"name", "shout"}, {"caption", "shouts to everyone"}, {"command", "shout"}});
        channels.push_back(Json{{"name", "announce"}, {"caption", "announcements"}, {"command", "announce"}});
        paged("Comm.Channel.List", {}, channels, out);
        break;
    }
    case EventKind::room_state: {
        if (!v.gmcp_room) break;
        append_gmcp_message("Room.Info",
                            dump(Json{{"num", room_number(e.room)}, {"name", e.room}, {"area", e.detail}}), out);
        std::vector<Json> people;
        people.reserve(e.people.size());
        for (const auto name : e.people) people.push_back(player(name));
        paged("Room.Players", "Room.AddPlayer", people, out);
        break;
    }
    case EventKind::players: {
        if (!v.gmcp_comm) break;
        std::vector<Json> people;
        people.reserve(e.people.size());
        for (std::size_t i = 0; i < e.people.size(); ++i) {
            Json person{{"name", e.people[i]}};
            if (i < e.rooms.size()) person["channels"] = Json::array({e.rooms[i]});
            people.push_back(std::move(person));
        }
        paged("Comm.Channel.Players", {}, people, out);
        break;
    }
    case EventKind::goodbye:
        append_gmcp_message("Core.Goodbye", dump(Json(e.text)), out);
        break;
    default:
        break;
    }
}

}  // namespace natter
