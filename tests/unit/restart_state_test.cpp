// The restart state file: a full state survives write and read byte for
// byte, and every kind of damage (another version, not JSON, cut short, a
// field of the wrong type, bad base64, a bad descriptor or index or enum
// value) is an error naming what is wrong, never a crash.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/restart_state.hpp"

namespace natter {
namespace {

using Json = nlohmann::json;
using namespace std::string_literals;

// Every byte a stream may hold, telnet's IAC sequences, line ends and
// invalid UTF-8 among them.
const std::string awkward_bytes = "a\0b\xFF\xFE\r\n\r\0\xFF\xFA\x18\x00\xFF\xF0\xC3\x28\xE2\x82\xED\xA0\x80 end"s;

std::string all_bytes() {
    std::string out;
    for (int b = 0; b < 256; ++b) out.push_back(static_cast<char>(b));
    return out;
}

SessionSnapshot full_session() {
    SessionSnapshot s;
    s.address = "192.0.2.7";
    s.kind = ListenerKind::mud;
    s.name = "Ærwyn";
    s.room = "the lounge";
    s.authenticated = true;
    s.encrypted = true;
    s.echo_off = true;
    s.idle_warned = true;
    s.connected_at_ns = 1'234'567'890'123;
    s.last_input_ns = -5;  // a monotonic time may be anything
    s.reply_to = "bob";
    s.ignored = {"carol", "dave"};
    s.has_info = true;
    s.description = "tall, with a hat — and “quotes”";
    s.profile_lines = {"line one", "", "line \"three\""};
    s.away = true;
    s.away_idle = true;
    s.away_message = "back soon";
    s.secret_origin = "register Ærwyn\xFF";
    s.has_profile = true;
    s.profile.terminal_types = {"MUDLET", "XTERM-256COLOR", "MTTS 2825"};
    s.profile.mtts = 2825;
    s.profile.width = 132;
    s.profile.height = 50;
    s.profile.charset = 1;
    s.profile.client_name = "Mudlet";
    s.profile.client_version = "4.17.2";
    s.profile.env_screen_reader = true;
    s.profile.env_colour = 3;
    s.profile.gmcp_packages = {{"char", 1}, {"comm.channel", 0}, {"room", 2}};
    s.profile.gmcp = true;
    s.profile.eor = true;
    s.profile.sga = true;
    s.profile.mud_client = true;
    s.profile.mccp_wanted = true;
    s.profile.naws = true;
    s.profile.ttype = 3;
    s.profile.ttype_rounds = 4;
    s.profile.charset_phase = 2;
    s.profile.mssp = true;
    s.profile.gmcp_login_offered = true;
    s.profile.settings = "width=100 colour=256 wrap=off";
    s.telnet.options = {{1, 3, 0}, {24, 0, 3}, {31, 0, 3}, {201, 3, 3}, {255, 255, 255}};
    s.telnet.parse = 4;
    s.telnet.verb = 0xFA;
    s.telnet.sb_option = 24;
    s.telnet.sb_oversized = true;
    s.telnet.oversized = 70'000;
    s.telnet.payload = awkward_bytes;
    s.framer.partial = "half a li\xFF\x00ne\r"s;
    s.framer.after_cr = true;
    s.framer.overlong = true;
    s.flood.tokens = 2.718281828459045;
    s.flood.refilled_ns = 9'000'000'000'000'000'000;
    s.flood.episode_start_ns = -9'000'000'000'000'000'000;
    s.flood.last_drop_ns = 42;
    s.flood.in_episode = true;
    s.outbox = all_bytes() + awkward_bytes;
    return s;
}

WebSnapshot half_read_web() {
    WebSnapshot w;
    w.peer_address = "2001:db8::1";
    w.opened_ns = 77;
    w.last_ping_ns = 88;
    w.awaiting_pong = true;
    w.framer.state = 1;
    w.framer.header = "\x81\xFE\x01\x00"s;
    w.framer.header_need = 8;
    w.framer.opcode = 1;
    w.framer.fin = true;
    w.framer.mask = "\x00\xFF\x0D\x0A"s;
    w.framer.payload_left = 18'446'744'073'709'551'615ULL;
    w.framer.payload_done = 3;
    w.framer.in_message = true;
    w.framer.message = "say h\xC3"s;  // cut inside a UTF-8 sequence
    w.framer.control = "\x00\xFF"s;
    return w;
}

RestartState full_state() {
    RestartState state;
    state.started_unix_ms = 1'700'000'000'123;
    state.listeners = {
        {.fd = 3, .kind = ListenerKind::telnet, .tls = false, .host = "0.0.0.0", .configured_port = 4000, .port = 4000},
        {.fd = 4, .kind = ListenerKind::web, .tls = true, .host = "::1", .configured_port = 0, .port = 54321},
    };
    state.rooms = {
        {.name = "lounge",
         .permanent = true,
         .topic = "Welcome — be kind",
         .topic_by = "op",
         .topic_set_at = 1'699'999'999,
         .history = {{.when_unix_ms = 1, .kind = 0, .speaker = "bob", .text = "hello \"there\""},
                     {.when_unix_ms = 2, .kind = 1, .speaker = "Ærwyn", .text = "waves"}}},
        {.name = "quiet corner", .permanent = false, .topic = "", .topic_by = "", .topic_set_at = 0, .history = {}},
    };
    state.seen = {{.name = "zed", .when_unix_ms = 10}, {.name = "yan", .when_unix_ms = 20}};

    ConnectionSnapshot telnet;
    telnet.fd = 7;
    telnet.listener = 0;
    telnet.session = full_session();

    ConnectionSnapshot web;
    web.fd = 8;
    web.listener = 1;
    web.web = half_read_web();
    web.session = full_session();
    web.session->kind = ListenerKind::web;
    web.session->profile.mtts.reset();  // an optional left out

    ConnectionSnapshot fresh;
    fresh.fd = 9;
    fresh.listener = 0;
    fresh.fresh = true;

    state.connections = {telnet, web, fresh};
    return state;
}

// The full state written, changed by `edit` as a JSON value, and written again.
template <class Edit>
std::string edited(Edit edit) {
    Json json = Json::parse(write_restart_state(full_state()));
    edit(json);
    return json.dump();
}

// The error read_restart_state gives for `text` (empty if it read).
std::string error_of(std::string_view text) {
    const auto result = read_restart_state(text);
    return result ? std::string{} : result.error().message;
}

TEST_CASE("restart state: a full state reads back field by field") {
    const RestartState state = full_state();
    const std::string text = write_restart_state(state);
    const auto back = read_restart_state(text);
    REQUIRE(back.has_value());

    CHECK(back->version == restart_state_version);
    CHECK(back->started_unix_ms == state.started_unix_ms);
    CHECK(back->listeners == state.listeners);
    CHECK(back->rooms == state.rooms);
    CHECK(back->seen == state.seen);
    REQUIRE(back->connections.size() == state.connections.size());
    for (std::size_t i = 0; i < state.connections.size(); ++i) {
        CAPTURE(i);
        const auto& want = state.connections[i];
        const auto& got = back->connections[i];
        CHECK(got.fd == want.fd);
        CHECK(got.listener == want.listener);
        CHECK(got.fresh == want.fresh);
        CHECK(got.web == want.web);
        REQUIRE(got.session.has_value() == want.session.has_value());
        if (!want.session) continue;
        CHECK(got.session->profile == want.session->profile);
        CHECK(got.session->telnet == want.session->telnet);
        CHECK(got.session->framer == want.session->framer);
        CHECK(got.session->flood == want.session->flood);
        CHECK(got.session->outbox == want.session->outbox);
        CHECK(got.session->secret_origin == want.session->secret_origin);
        CHECK(*got.session == *want.session);
    }
    CHECK(*back == state);

    // The half-read frame's bytes and the optional left out, seen directly.
    CHECK(back->connections[1].web->framer.mask == "\x00\xFF\x0D\x0A"s);
    CHECK_FALSE(back->connections[1].session->profile.mtts.has_value());
    CHECK(back->connections[0].session->profile.mtts == 2825U);
    CHECK_FALSE(back->connections[2].session.has_value());
    CHECK_FALSE(back->connections[2].web.has_value());

    // Written again, it is the same text.
    CHECK(write_restart_state(*back) == text);
}

TEST_CASE("restart state: the file is one compact JSON object that names its format and version") {
    const std::string text = write_restart_state(full_state());
    CHECK(text.find('\n') == std::string::npos);
    const Json json = Json::parse(text);
    CHECK(json.at("format") == "natter-restart-state");
    CHECK(json.at("version") == 1);
    CHECK(json.at("connections").size() == 3);
    // Byte fields are base64, so the outbox holds no raw control bytes.
    CHECK(json.at("connections")[0].at("session").at("outbox").get<std::string>().find('\r') == std::string::npos);
}

TEST_CASE("restart state: an empty state round-trips") {
    const RestartState empty;
    const auto back = read_restart_state(write_restart_state(empty));
    REQUIRE(back.has_value());
    CHECK(*back == empty);
}

TEST_CASE("restart state: another version or format is refused with one clear line") {
    CHECK(error_of(edited([](Json& j) { j["version"] = 2; })) ==
          "restart state version 2 is not one this natterd reads (1)");
    CHECK(error_of(edited([](Json& j) { j["version"] = 0; })) ==
          "restart state version 0 is not one this natterd reads (1)");
    CHECK(error_of(edited([](Json& j) { j["version"] = "1"; })) ==
          "restart state version \"1\" is not one this natterd reads (1)");
    CHECK(error_of(edited([](Json& j) { j.erase("version"); })) == "restart state has no version");
    CHECK(error_of(edited([](Json& j) { j["format"] = "something-else"; })) ==
          "restart state: \"format\" is not \"natter-restart-state\"");
    CHECK(error_of(edited([](Json& j) { j.erase("format"); })) ==
          "restart state: \"format\" is not \"natter-restart-state\"");
}

TEST_CASE("restart state: text that is not JSON, or is cut short, is refused") {
    CHECK(error_of("") == "restart state is empty");
    CHECK(error_of("hello") == "restart state is not valid JSON (at byte 1)");
    CHECK(error_of("[1, 2]") == "restart state is not a JSON object");
    CHECK(error_of("{} x") == "restart state is not valid JSON (at byte 4)");

    const std::string text = write_restart_state(full_state());
    for (const std::size_t keep : {std::size_t{1}, text.size() / 3, text.size() / 2, text.size() - 1}) {
        CAPTURE(keep);
        CHECK(error_of(text.substr(0, keep)) == "restart state ends early: the file is cut short");
    }
}

TEST_CASE("restart state: a field of the wrong type is named") {
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["name"] = 5; })) ==
          "restart state: connections[0].session.name must be a string");
    CHECK(error_of(edited([](Json& j) { j["connections"][1]["session"]["away"] = 1; })) ==
          "restart state: connections[1].session.away must be true or false");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["flood"]["tokens"] = "many"; })) ==
          "restart state: connections[0].session.flood.tokens must be a number");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["connected_at_ns"] = 1.5; })) ==
          "restart state: connections[0].session.connected_at_ns must be an integer from -9223372036854775808 "
          "to 9223372036854775807");
    CHECK(error_of(edited([](Json& j) { j["connections"] = Json::object(); })) ==
          "restart state: connections must be an array");
    CHECK(error_of(edited([](Json& j) { j["connections"][1]["web"] = Json::array(); })) ==
          "restart state: connections[1].web must be an object");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["ignored"][1] = false; })) ==
          "restart state: connections[0].session.ignored[1] must be a string");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["profile"]["gmcp_packages"][2] = "room"; })) ==
          "restart state: connections[0].session.profile.gmcp_packages[2] must be a [name, version] pair");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["telnet"]["options"][0] = Json::array({1, 2}); })) ==
          "restart state: connections[0].session.telnet.options[0] must be a [code, local, remote] triple");
    CHECK(error_of(edited([](Json& j) { j["rooms"][0]["history"][1]["text"] = nullptr; })) ==
          "restart state: rooms[0].history[1].text must be a string");
    CHECK(error_of(edited([](Json& j) { j["seen"][0] = 3; })) == "restart state: seen[0] must be an object");
}

TEST_CASE("restart state: numbers out of their field's range are named") {
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["telnet"]["options"][0][0] = 256; })) ==
          "restart state: connections[0].session.telnet.options[0][0] must be an integer from 0 to 255");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["profile"]["width"] = -1; })) ==
          "restart state: connections[0].session.profile.width must be an integer from 0 to 65535");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["profile"]["mtts"] = 4'294'967'296; })) ==
          "restart state: connections[0].session.profile.mtts must be an integer from 0 to 4294967295");
    CHECK(error_of(edited([](Json& j) { j["connections"][1]["web"]["framer"]["payload_left"] = -1; })) ==
          "restart state: connections[1].web.framer.payload_left must be an integer from 0 to 18446744073709551615");
}

TEST_CASE("restart state: bad base64 in a byte field is named") {
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["outbox"] = "not base64!"; })) ==
          "restart state: connections[0].session.outbox is not valid base64");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["framer"]["partial"] = "QQ"; })) ==
          "restart state: connections[0].session.framer.partial is not valid base64");  // padding left off
    CHECK(error_of(edited([](Json& j) { j["connections"][1]["web"]["framer"]["mask"] = 1234; })) ==
          "restart state: connections[1].web.framer.mask must be a base64 string");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["telnet"]["payload"] = "QUJD\nREVG"; })) ==
          "restart state: connections[0].session.telnet.payload is not valid base64");
}

TEST_CASE("restart state: descriptors and listener indexes are checked") {
    CHECK(error_of(edited([](Json& j) { j["connections"][1]["fd"] = -1; })) ==
          "restart state: connections[1].fd must be an integer from 0 to 2147483647");
    CHECK(error_of(edited([](Json& j) { j["connections"][2].erase("fd"); })) ==
          "restart state: connections[2].fd is missing");
    CHECK(error_of(edited([](Json& j) { j["listeners"][0]["fd"] = -3; })) ==
          "restart state: listeners[0].fd must be an integer from 0 to 2147483647");
    CHECK(error_of(edited([](Json& j) { j["listeners"][1]["fd"] = 2'147'483'648; })) ==
          "restart state: listeners[1].fd must be an integer from 0 to 2147483647");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["listener"] = 2; })) ==
          "restart state: connections[0].listener is 2, but there are 2 listeners");
    CHECK(error_of(edited([](Json& j) { j["connections"][2]["fd"] = 7; })) ==
          "restart state: connections[2].fd 7 is given twice");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["fd"] = 4; })) ==
          "restart state: connections[0].fd 4 is given twice");
    CHECK(error_of(edited([](Json& j) { j["listeners"][1]["fd"] = 3; })) ==
          "restart state: listeners[1].fd 3 is given twice");
}

TEST_CASE("restart state: enum values out of range are named") {
    CHECK(error_of(edited([](Json& j) { j["listeners"][1]["kind"] = 3; })) ==
          "restart state: listeners[1].kind must be an integer from 0 to 2");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["kind"] = -1; })) ==
          "restart state: connections[0].session.kind must be an integer from 0 to 2");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["profile"]["charset"] = 3; })) ==
          "restart state: connections[0].session.profile.charset must be an integer from 0 to 2");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["profile"]["env_colour"] = 4; })) ==
          "restart state: connections[0].session.profile.env_colour must be an integer from 0 to 3");
    CHECK(error_of(edited([](Json& j) { j["connections"][0]["session"]["profile"]["ttype"] = 4; })) ==
          "restart state: connections[0].session.profile.ttype must be an integer from 0 to 3");
    CHECK(error_of(edited([](Json& j) { j["rooms"][0]["history"][0]["kind"] = 2; })) ==
          "restart state: rooms[0].history[0].kind must be 0 (say) or 1 (emote)");
}

TEST_CASE("restart state: a WebSocket frame's header and mask keep to a frame's sizes") {
    CHECK(error_of(edited([](Json& j) { j["connections"][1]["web"]["framer"]["mask"] = "AAEC"; })) ==
          "restart state: connections[1].web.framer.mask holds 3 bytes, not 4");
    CHECK(error_of(edited([](Json& j) { j["connections"][1]["web"]["framer"]["header"] = "AAAAAAAAAAAAAAAAAAAA"; })) ==
          "restart state: connections[1].web.framer.header holds 15 bytes, more than a frame header's 14");
    CHECK(error_of(edited([](Json& j) { j["connections"][1]["web"]["framer"]["header_need"] = 15; })) ==
          "restart state: connections[1].web.framer.header_need must be an integer from 2 to 14");
    CHECK(error_of(edited([](Json& j) { j["connections"][1]["web"]["framer"]["header_need"] = 1; })) ==
          "restart state: connections[1].web.framer.header_need must be an integer from 2 to 14");
}

TEST_CASE("restart state: unknown keys are ignored and missing ones take the defaults") {
    const auto with_extras = read_restart_state(edited([](Json& j) {
        j["written_by"] = "natterd 9.9";
        j["connections"][0]["tls_ticket"] = Json::object({{"a", 1}});
        j["connections"][0]["session"]["colour_theme"] = Json::array({1, 2, 3});
        j["rooms"][1]["pinned"] = true;
    }));
    REQUIRE(with_extras.has_value());
    CHECK(*with_extras == full_state());

    const auto sparse = read_restart_state(
        R"({"format":"natter-restart-state","version":1,"listeners":[{"fd":3}],)"
        R"("connections":[{"fd":5},{"fd":6,"session":{"name":"amy"}},{"fd":7,"web":{}}]})");
    REQUIRE(sparse.has_value());
    CHECK(sparse->started_unix_ms == 0);
    CHECK(sparse->rooms.empty());
    CHECK(sparse->seen.empty());
    REQUIRE(sparse->listeners.size() == 1);
    ListenerSnapshot listener;
    listener.fd = 3;
    CHECK(sparse->listeners[0] == listener);
    REQUIRE(sparse->connections.size() == 3);
    ConnectionSnapshot bare;
    bare.fd = 5;
    CHECK(sparse->connections[0] == bare);
    SessionSnapshot amy;
    amy.name = "amy";
    CHECK(sparse->connections[1].session == amy);
    CHECK(sparse->connections[2].web == WebSnapshot{});
    CHECK(sparse->connections[2].web->framer.header_need == 2);
    CHECK(sparse->connections[2].session == std::nullopt);
}

TEST_CASE("restart state: a text field that is not UTF-8 is written with U+FFFD, not refused") {
    RestartState state;
    state.seen = {{.name = "bad\xFFname", .when_unix_ms = 1}};
    const auto back = read_restart_state(write_restart_state(state));
    REQUIRE(back.has_value());
    REQUIRE(back->seen.size() == 1);
    CHECK(back->seen[0].name == "bad\xEF\xBF\xBDname");
}

TEST_CASE("restart state: odd input is an error, never a crash") {
    const std::vector<std::string> odd = {
        "\0"s,
        "\xFF\xFE{}"s,
        "null",
        "{}",
        "[]",
        "\"natter-restart-state\"",
        R"({"format":"natter-restart-state"})",
        R"({"format":"natter-restart-state","version":1.0})",
        R"({"format":"natter-restart-state","version":18446744073709551617})",
        R"({"format":"natter-restart-state","version":1,"connections":[null]})",
        R"({"format":"natter-restart-state","version":1,"connections":[{"fd":1e999}]})",
        "{\"format\":\"natter-restart-state\",\"version\":1,\"seen\":[{\"name\":\"a\xFF\"}]}",  // not UTF-8
        R"({"format":"natter-restart-state","version":1,"seen":[{"name":"\ud800"}]})",
        R"({"format":"natter-restart-state","version":1,"connections":[{"fd":1,"listener":0}]})",
        std::string(200'000, '['),
        R"({"format":"natter-restart-state","version":1,"rooms":)" + std::string(100'000, '['),
        std::string(100'000, '{'),
    };
    for (std::size_t i = 0; i < odd.size(); ++i) {
        CAPTURE(i);
        CHECK_FALSE(read_restart_state(odd[i]).has_value());
    }

    // Random bytes, and a good file with one byte changed at many places:
    // each either reads, and then writes and reads back the same, or is an
    // error.
    std::mt19937 random{15};
    for (int round = 0; round < 200; ++round) {
        std::string noise(random() % 64, '\0');
        for (auto& c : noise) c = static_cast<char>(random());
        CHECK_FALSE(read_restart_state(noise).has_value());
    }
    const std::string good = write_restart_state(full_state());
    int still_read = 0;
    for (std::size_t at = 0; at < good.size(); at += 7) {
        std::string bent = good;
        bent[at] = static_cast<char>(bent[at] ^ (1 << (at % 8)));
        const auto result = read_restart_state(bent);
        if (!result) continue;
        ++still_read;
        const auto again = read_restart_state(write_restart_state(*result));
        REQUIRE(again.has_value());
        CHECK(*again == *result);
    }
    CHECK(still_read > 0);  // some changes (a digit, a letter in a text) keep the file valid
}

}  // namespace
}  // namespace natter
