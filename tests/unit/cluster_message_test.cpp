// What nodes send each other (src/cluster_message): every kind survives the
// trip through JSON, and what is malformed or hostile is an error value.
#include <doctest/doctest.h>

#include <initializer_list>
#include <string>

#include "src/cluster_message.hpp"

namespace natter {

TEST_CASE("ClusterMessage: every kind and field survives encode and decode") {
    using Kind = ClusterMessage::Kind;
    for (const auto kind : {Kind::say, Kind::emote, Kind::here, Kind::gone, Kind::node_gone, Kind::announce,
                            Kind::ban, Kind::tell, Kind::kick, Kind::takeover, Kind::account}) {
        const ClusterMessage sent{.kind = kind,
                                  .node = "n1",
                                  .name = "Alice",
                                  .room = "lobby",
                                  .text = "h\xc3\xa9llo \"quoted\" \\ back",
                                  .by = "root",
                                  .address = "127.0.0.1",
                                  .via = "mud+tls",
                                  .is_address = kind == Kind::ban,
                                  .expires = kind == Kind::ban ? std::optional<std::int64_t>{1'900'000'000} : std::nullopt,
                                  .at_ms = 1'700'000'000'123};
        const auto got = decode_cluster_message(encode(sent));
        REQUIRE(got.has_value());
        CHECK(got->kind == kind);
        CHECK(got->node == "n1");
        CHECK(got->name == "Alice");
        CHECK(got->room == "lobby");
        CHECK(got->text == sent.text);
        CHECK(got->by == "root");
        CHECK(got->address == "127.0.0.1");
        CHECK(got->via == "mud+tls");
        CHECK(got->is_address == sent.is_address);
        CHECK(got->expires == sent.expires);
        CHECK(got->at_ms == 1'700'000'000'123);
    }
}

TEST_CASE("ClusterMessage: a say carries only the fields it sets") {
    const auto json = encode({.kind = ClusterMessage::Kind::say, .node = "n2", .name = "bob", .room = "lobby", .text = "hi"});
    CHECK(json.find("addr") == std::string::npos);
    CHECK(json.find("expires") == std::string::npos);
    const auto got = decode_cluster_message(json);
    REQUIRE(got.has_value());
    CHECK(got->by.empty());
    CHECK_FALSE(got->expires.has_value());
}

TEST_CASE("ClusterMessage: malformed payloads are errors") {
    for (const std::string& bad : std::initializer_list<std::string>{"", "not json", "[1,2]", "{}", R"({"k":"say"})", R"({"k":"shout","node":"n1"})",
                                  R"({"k":5,"node":"n1"})", R"({"k":"say","node":7})",
                                  R"({"k":"say","node":"n1","text":["x"]})", R"({"k":"ban","node":"n1","expires":"soon"})",
                                  R"({"k":"ban","node":"n1","is_addr":"yes"})", R"({"k":"say","node":"n1","at":1.5})"}) {
        CAPTURE(bad);
        CHECK_FALSE(decode_cluster_message(bad).has_value());
    }
}

TEST_CASE("RoomLine: the sequence header and the line") {
    const auto body = encode({.kind = ClusterMessage::Kind::emote, .node = "n1", .name = "Al", .room = "lobby", .text = "waves"});
    const auto line = decode_room_line("42 1700000000123456\n" + body);
    REQUIRE(line.has_value());
    CHECK(line->seq == 42);
    CHECK(line->epoch == "1700000000123456");
    CHECK(line->message.kind == ClusterMessage::Kind::emote);
    CHECK(line->message.text == "waves");

    for (const std::string& bad : std::initializer_list<std::string>{body, "42\n" + body, "x 1\n" + body, "0 1\n" + body, "-3 1\n" + body,
                                  "42 1\n" + encode({.kind = ClusterMessage::Kind::here, .node = "n1", .name = "Al"}),
                                  std::string{"42 1\n{"}}) {
        CAPTURE(bad);
        CHECK_FALSE(decode_room_line(bad).has_value());
    }
}

TEST_CASE("RoomLine: the header alone is read without the JSON") {
    const auto head = decode_room_line_head("42 1700000000123456\n{not json at all");
    REQUIRE(head.has_value());
    CHECK(head->seq == 42);
    CHECK(head->epoch == "1700000000123456");
    CHECK(head->body == "{not json at all");
    CHECK_FALSE(decode_room_line("42 1700000000123456\n{not json at all").has_value());
    for (const std::string_view bad : {"42 1", "42\n{}", "0 1\n{}", "x 1\n{}", "18446744073709551616 1\n{}"}) {
        CAPTURE(bad);
        CHECK_FALSE(decode_room_line_head(bad).has_value());
    }
}

}  // namespace natter
