// Rendering (src/render): every event kind's classic string for a plain
// client, the same words with colour, wrapping and the 7-bit form, prompt
// marks, the GMCP messages of each kind with their bound, and the cache that
// renders once per variant.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/render/event_text.hpp"
#include "src/render/gmcp_messages.hpp"
#include "src/render/json_event.hpp"
#include "src/render/render.hpp"
#include "tests/unit/telnet_output.hpp"

namespace natter {
namespace {

std::string rendered(const Event& event, const Variant& variant = {}) {
    std::string out;
    render(event, variant, out);
    return out;
}

std::string without_colour(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\x1b') {
            while (i < text.size() && text[i] != 'm') ++i;
            continue;
        }
        out.push_back(text[i]);
    }
    return out;
}

Variant gmcp_variant() {
    Variant v;
    v.gmcp = v.gmcp_room = v.gmcp_comm = v.gmcp_char = true;
    return v;
}

}  // namespace

TEST_CASE("Render: a plain client gets the classic strings, byte for byte") {
    // Classic: these are the strings SPEC §2 and §3 give.
    CHECK(rendered({.kind = EventKind::say, .actor = "Alice", .text = "hello"}) == "Alice: hello\r\n");
    CHECK(rendered({.kind = EventKind::emote, .actor = "Alice", .text = "waves"}) == "Alice waves\r\n");
    CHECK(rendered({.kind = EventKind::tell, .actor = "Alice", .target = "Bob", .text = "hi"}) ==
          "Alice tells you: hi\r\n");
    CHECK(rendered({.kind = EventKind::tell_sent, .actor = "Alice", .target = "Bob", .text = "hi"}) ==
          "You tell Bob: hi\r\n");
    CHECK(rendered({.kind = EventKind::entered, .actor = "Alice"}) == "Alice has entered the room.\r\n");
    CHECK(rendered({.kind = EventKind::entered, .actor = "Alice", .detail = "10.0.0.1"}) ==
          "Alice has entered the room. (from 10.0.0.1)\r\n");
    CHECK(rendered({.kind = EventKind::left, .actor = "Alice"}) == "Alice has left the room.\r\n");
    CHECK(rendered({.kind = EventKind::announce, .actor = "Op", .text = "tea"}) ==
          "*** Announcement from Op: tea\r\n");
    CHECK(rendered({.kind = EventKind::notice, .text = "*** Server shutting down. Goodbye."}) ==
          "*** Server shutting down. Goodbye.\r\n");
    CHECK(rendered({.kind = EventKind::system, .text = "The following are logged in:"}) ==
          "The following are logged in:\r\n");
    CHECK(rendered({.kind = EventKind::prompt, .text = "Password:"}) == "Password:\r\n");
    // Structure only: nothing at all for a plain client.
    for (const auto kind : {EventKind::signed_in, EventKind::channels, EventKind::room_state, EventKind::players,
                            EventKind::goodbye}) {
        CHECK(rendered({.kind = kind, .actor = "Alice", .room = "lobby"}).empty());
    }
}

TEST_CASE("Render: the talker's own lines, plain: shout, shouted emote, away, back, topic, mail") {
    CHECK(rendered({.kind = EventKind::shout, .actor = "Alice", .text = "hello all"}) ==
          "Alice shouts: hello all\r\n");
    CHECK(rendered({.kind = EventKind::shout_emote, .actor = "Alice", .text = "waves"}) == "! Alice waves\r\n");
    CHECK(rendered({.kind = EventKind::away, .actor = "Alice", .text = "lunch"}) == "Alice is away: lunch\r\n");
    CHECK(rendered({.kind = EventKind::away, .actor = "Alice"}) == "Alice is away.\r\n");
    CHECK(rendered({.kind = EventKind::away, .actor = "Alice", .detail = "idle"}) == "Alice is away (idle).\r\n");
    CHECK(rendered({.kind = EventKind::back, .actor = "Alice"}) == "Alice is back.\r\n");
    CHECK(rendered({.kind = EventKind::topic, .actor = "Alice", .text = "tea"}) ==
          "Alice sets the topic: tea\r\n");
    CHECK(rendered({.kind = EventKind::topic, .actor = "Alice"}) == "Alice clears the topic.\r\n");
    CHECK(rendered({.kind = EventKind::mail_notice, .actor = "Bob"}) ==
          "You have new mail from Bob; type \"mail\" to read it.\r\n");
}

TEST_CASE("Render: the talker's own lines in colour keep their words, per depth") {
    for (const auto depth : {ColourDepth::ansi16, ColourDepth::ansi256, ColourDepth::truecolor}) {
        CAPTURE(static_cast<int>(depth));
        Variant v;
        v.colour = depth;
        for (const auto kind : {EventKind::shout, EventKind::shout_emote, EventKind::away, EventKind::back,
                                EventKind::topic, EventKind::mail_notice}) {
            CAPTURE(static_cast<int>(kind));
            for (const auto detail : {std::string_view{}, std::string_view{"idle"}}) {
                const Event e{.kind = kind, .actor = "Alice", .text = "some words", .detail = detail};
                const auto coloured = rendered(e, v);
                CHECK(coloured.find("\x1b[") != std::string::npos);
                CHECK(without_colour(coloured) == rendered(e));
            }
        }
    }
}

TEST_CASE("Render: the talker's own lines as JSON for web clients, with their fields and plain text") {
    const auto json = [](const Event& e) {
        std::string text;
        append_event_text(e, ColourDepth::none, text);
        std::string out;
        append_event_json(e, text, out);
        return nlohmann::json::parse(out);
    };
    const auto shout = json({.kind = EventKind::shout, .actor = "Alice", .room = "lobby", .text = "hi"});
    CHECK(shout["type"] == "shout");
    CHECK(shout["from"] == "Alice");
    CHECK(shout["room"] == "lobby");
    CHECK(shout["message"] == "hi");
    CHECK(shout["text"] == "Alice shouts: hi");
    CHECK(json({.kind = EventKind::shout_emote, .actor = "Alice", .text = "waves"})["type"] == "shout_emote");
    const auto away = json({.kind = EventKind::away, .actor = "Alice", .room = "lobby", .detail = "idle"});
    CHECK(away["type"] == "away");
    CHECK(away["who"] == "Alice");
    CHECK(away["idle"] == true);
    CHECK(away["text"] == "Alice is away (idle).");
    CHECK(json({.kind = EventKind::back, .actor = "Alice", .room = "lobby"})["who"] == "Alice");
    const auto topic = json({.kind = EventKind::topic, .actor = "Alice", .room = "lobby", .text = "tea"});
    CHECK(topic["type"] == "topic");
    CHECK(topic["topic"] == "tea");
    const auto mail = json({.kind = EventKind::mail_notice, .actor = "Bob"});
    CHECK(mail["type"] == "mail");
    CHECK(mail["from"] == "Bob");
}

TEST_CASE("Render: colour keeps the words and adds escapes, per depth; names keep their colour") {
    for (const auto depth : {ColourDepth::ansi16, ColourDepth::ansi256, ColourDepth::truecolor}) {
        CAPTURE(static_cast<int>(depth));
        Variant v;
        v.colour = depth;
        for (const auto kind : {EventKind::say, EventKind::emote, EventKind::tell, EventKind::tell_sent,
                                EventKind::entered, EventKind::left, EventKind::announce, EventKind::notice}) {
            const Event e{.kind = kind, .actor = "Alice", .target = "Bob", .text = "some words"};
            const auto coloured = rendered(e, v);
            CHECK(coloured.find("\x1b[") != std::string::npos);
            CHECK(without_colour(coloured) == rendered(e));
        }
        CHECK(name_colour("Alice", depth) == name_colour("alice", depth));
        CHECK_FALSE(name_colour("Alice", depth).empty());
    }
    CHECK(name_colour("Alice", ColourDepth::none).empty());
    // A system line is never coloured.
    Variant v;
    v.colour = ColourDepth::ansi256;
    CHECK(rendered({.kind = EventKind::system, .text = "plain"}, v) == "plain\r\n");
}

TEST_CASE("Render: width wraps, ascii strips, and both together") {
    Variant v;
    v.width = 20;
    CHECK(rendered({.kind = EventKind::say, .actor = "Alice", .text = "one two three four five six"}, v) ==
          "Alice: one two three\r\n  four five six\r\n");
    v.width = 0;
    v.ascii = true;
    CHECK(rendered({.kind = EventKind::say, .actor = "Alice", .text = "d\xC3\xA9j\xC3\xA0 vu"}, v) ==
          "Alice: deja vu\r\n");
}

TEST_CASE("Render: a prompt is left open and marked for a MUD client") {
    Variant v;
    v.prompt = PromptMark::eor;
    CHECK(rendered({.kind = EventKind::prompt, .text = "Password:"}, v) == "Password: \xFF\xEF");
    v.prompt = PromptMark::ga;
    CHECK(rendered({.kind = EventKind::prompt, .text = "Password:"}, v) == "Password: \xFF\xF9");
    // Other lines still end with CR LF.
    CHECK(rendered({.kind = EventKind::system, .text = "Wrong password."}, v) == "Wrong password.\r\n");
}

TEST_CASE("Render: GMCP messages of each kind, as JSON any reader parses") {
    const auto v = gmcp_variant();
    const auto gmcp = [&](const Event& e) { return test::gmcp_of(test::parse_telnet_output(rendered(e, v))); };
    CHECK(gmcp({.kind = EventKind::say, .actor = "Alice", .room = "lobby", .text = "hi"}) ==
          std::vector<std::string>{R"(Comm.Channel.Text {"channel":"lobby","talker":"Alice","text":"Alice: hi"})"});
    CHECK(gmcp({.kind = EventKind::announce, .actor = "Op", .text = "x"}) ==
          std::vector<std::string>{
              R"(Comm.Channel.Text {"channel":"announce","talker":"Op","text":"*** Announcement from Op: x"})"});
    CHECK(gmcp({.kind = EventKind::shout, .actor = "Alice", .room = "lobby", .text = "hi"}) ==
          std::vector<std::string>{
              R"(Comm.Channel.Text {"channel":"shout","talker":"Alice","text":"Alice shouts: hi"})"});
    CHECK(gmcp({.kind = EventKind::shout_emote, .actor = "Alice", .room = "lobby", .text = "waves"}) ==
          std::vector<std::string>{R"(Comm.Channel.Text {"channel":"shout","talker":"Alice","text":"! Alice waves"})"});
    CHECK(gmcp({.kind = EventKind::topic, .actor = "Alice", .room = "lobby", .text = "tea"}) ==
          std::vector<std::string>{
              R"(Comm.Channel.Text {"channel":"lobby","talker":"Alice","text":"Alice sets the topic: tea"})"});
    const std::vector<std::string_view> rooms{"lobby"};
    const auto channels = gmcp({.kind = EventKind::channels, .rooms = rooms});
    REQUIRE(channels.size() == 1);
    CHECK(channels[0].find(R"({"caption":"shouts to everyone","command":"shout","name":"shout"})") !=
          std::string::npos);
    // Away, back and mail notices are text only.
    for (const auto kind : {EventKind::away, EventKind::back, EventKind::mail_notice}) {
        CHECK(gmcp({.kind = kind, .actor = "Alice", .room = "lobby"}).empty());
    }
    CHECK(gmcp({.kind = EventKind::signed_in, .actor = "Alice"}) ==
          std::vector<std::string>{R"(Char.Name {"fullname":"Alice","name":"Alice"})"});
    CHECK(gmcp({.kind = EventKind::goodbye, .text = "idle timeout"}) ==
          std::vector<std::string>{R"(Core.Goodbye "idle timeout")"});
    // The JSON parses, and an escape in the text comes out as \u001b.
    const auto messages = gmcp({.kind = EventKind::say, .actor = "A", .room = "r", .text = "x\x1b[31my"});
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].find("\\u001b") != std::string::npos);
    const auto json = nlohmann::json::parse(messages[0].substr(messages[0].find(' ') + 1));
    CHECK(json["text"] == "A: x\x1b[31my");
}

TEST_CASE("Render: long lists go in pages of at most 4 KiB; Room.Players pages on as Room.AddPlayer") {
    std::vector<std::string> names;
    for (int i = 0; i < 500; ++i) names.push_back("Person" + std::to_string(i));
    const std::vector<std::string_view> views{names.begin(), names.end()};
    const auto v = gmcp_variant();
    const auto room = test::gmcp_of(test::parse_telnet_output(
        rendered({.kind = EventKind::room_state, .room = "hall", .detail = "X", .people = views}, v)));
    REQUIRE(room.size() > 3);
    CHECK(room[0].starts_with("Room.Info "));
    CHECK(room[1].starts_with("Room.Players ["));
    std::size_t listed = nlohmann::json::parse(room[1].substr(13)).size();
    for (std::size_t i = 2; i < room.size(); ++i) {
        CHECK(room[i].starts_with("Room.AddPlayer {"));
        ++listed;
    }
    CHECK(listed == names.size());
    const auto players = test::gmcp_of(test::parse_telnet_output(
        rendered({.kind = EventKind::players, .people = views, .rooms = views}, v)));
    REQUIRE(players.size() > 1);
    std::size_t total = 0;
    for (const auto& page : players) {
        CHECK(page.size() <= max_gmcp_message_bytes);
        total += nlohmann::json::parse(page.substr(page.find(' ') + 1)).size();
    }
    CHECK(total == names.size());
}

TEST_CASE("Render: GMCP goes only where the variant asks for it") {
    Variant v = gmcp_variant();
    v.gmcp_comm = false;
    CHECK(test::gmcp_of(test::parse_telnet_output(
                            rendered({.kind = EventKind::say, .actor = "A", .room = "r", .text = "hi"}, v)))
              .empty());
    v = gmcp_variant();
    v.gmcp_char = false;
    CHECK(test::gmcp_of(test::parse_telnet_output(rendered({.kind = EventKind::signed_in, .actor = "A"}, v))).empty());
}

TEST_CASE("Render: the cache renders once per distinct variant and hands the same bytes to each") {
    const Event e{.kind = EventKind::say, .actor = "Alice", .text = "hello"};
    RenderCache cache{e};
    Variant colour;
    colour.colour = ColourDepth::ansi16;
    const std::string plain_bytes = cache.bytes_for(Variant{});
    CHECK(cache.bytes_for(Variant{}) == plain_bytes);
    CHECK(cache.bytes_for(colour) != plain_bytes);
    CHECK(cache.bytes_for(Variant{}) == plain_bytes);
    CHECK(cache.bytes_for(colour) == rendered(e, colour));
    CHECK(cache.renders() == 2);
}

}  // namespace natter
