#include "src/cluster_message.hpp"

#include <array>
#include <charconv>
#include <utility>

#include <nlohmann/json.hpp>

namespace natter {
namespace {

constexpr std::array<std::pair<ClusterMessage::Kind, std::string_view>, 13> kind_names{{
    {ClusterMessage::Kind::shutdown, "shutdown"},
    {ClusterMessage::Kind::reboot, "reboot"},
    {ClusterMessage::Kind::say, "say"},
    {ClusterMessage::Kind::emote, "emote"},
    {ClusterMessage::Kind::here, "here"},
    {ClusterMessage::Kind::gone, "gone"},
    {ClusterMessage::Kind::node_gone, "node_gone"},
    {ClusterMessage::Kind::announce, "announce"},
    {ClusterMessage::Kind::ban, "ban"},
    {ClusterMessage::Kind::tell, "tell"},
    {ClusterMessage::Kind::kick, "kick"},
    {ClusterMessage::Kind::takeover, "takeover"},
    {ClusterMessage::Kind::account, "account"},
}};

// A field that is absent is empty; one of the wrong type is an error.
bool read(const nlohmann::json& json, const char* key, std::string& out) {
    const auto it = json.find(key);
    if (it == json.end()) return true;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
}

}  // namespace

std::string encode(const ClusterMessage& message) {
    nlohmann::json json;
    for (const auto& [kind, name] : kind_names) {
        if (kind == message.kind) json["k"] = name;
    }
    json["node"] = message.node;
    // Only what is set travels: a say is the bulk of the traffic.
    if (!message.name.empty()) json["name"] = message.name;
    if (!message.room.empty()) json["room"] = message.room;
    if (!message.text.empty()) json["text"] = message.text;
    if (!message.by.empty()) json["by"] = message.by;
    if (!message.address.empty()) json["addr"] = message.address;
    if (!message.via.empty()) json["via"] = message.via;
    if (message.is_address) json["is_addr"] = true;
    if (message.expires) json["expires"] = *message.expires;
    if (message.at_ms != 0) json["at"] = message.at_ms;
    // User text was sanitised on the way in; `replace` keeps a stray
    // invalid byte from throwing here.
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<ClusterMessage> decode_cluster_message(std::string_view text) {
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_object()) return fail("cluster message: not a JSON object");
    ClusterMessage message;
    std::string kind;
    if (!read(json, "k", kind)) return fail("cluster message: 'k' must be a string");
    bool known = false;
    for (const auto& [k, name] : kind_names) {
        if (name == kind) {
            message.kind = k;
            known = true;
        }
    }
    if (!known) return fail("cluster message: unknown kind '" + kind + "'");
    if (!read(json, "node", message.node) || !read(json, "name", message.name) || !read(json, "room", message.room) ||
        !read(json, "text", message.text) || !read(json, "by", message.by) || !read(json, "addr", message.address) ||
        !read(json, "via", message.via)) {
        return fail("cluster message: a text field is not a string");
    }
    if (message.node.empty()) return fail("cluster message: no node");
    if (const auto it = json.find("is_addr"); it != json.end()) {
        if (!it->is_boolean()) return fail("cluster message: 'is_addr' must be true or false");
        message.is_address = it->get<bool>();
    }
    if (const auto it = json.find("expires"); it != json.end()) {
        if (!it->is_number_integer()) return fail("cluster message: 'expires' must be an integer");
        message.expires = it->get<std::int64_t>();
    }
    if (const auto it = json.find("at"); it != json.end()) {
        if (!it->is_number_integer()) return fail("cluster message: 'at' must be an integer");
        message.at_ms = it->get<std::int64_t>();
    }
    return message;
}

Result<RoomLineHead> decode_room_line_head(std::string_view payload) {
    const auto newline = payload.find('\n');
    const auto head = payload.substr(0, newline);
    const auto space = head.find(' ');
    if (newline == std::string_view::npos || space == std::string_view::npos) {
        return fail("room line: no '<seq> <epoch>' header");
    }
    RoomLineHead line;
    const auto seq = head.substr(0, space);
    if (std::from_chars(seq.data(), seq.data() + seq.size(), line.seq).ptr != seq.data() + seq.size() || line.seq == 0) {
        return fail("room line: bad sequence number");
    }
    line.epoch = head.substr(space + 1);
    line.body = payload.substr(newline + 1);
    return line;
}

Result<RoomLine> decode_room_line(std::string_view payload) {
    const auto head = decode_room_line_head(payload);
    if (!head) return tl::unexpected(head.error());
    auto message = decode_cluster_message(head->body);
    if (!message) return tl::unexpected(message.error());
    if (message->kind != ClusterMessage::Kind::say && message->kind != ClusterMessage::Kind::emote) {
        return fail("room line: not a say or an emote");
    }
    return RoomLine{.seq = head->seq, .epoch = std::string{head->epoch}, .message = std::move(*message)};
}

}  // namespace natter
