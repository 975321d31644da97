// Talker commands (SPEC §3) over real TCP with three or more clients: tell
// privacy, room moves and their notices, history order, ignore, and the
// address in entered notices. "Nothing arrived" is proven with a sentinel:
// the client's next line must be the reply to a later command of its own.
#include <doctest/doctest.h>

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

namespace {

// An empty `me` gets a one-line usage reply, to the sender only: if that is
// the next line, nothing else reached `client` before it.
LineCheck nothing_before_sentinel(TcpClient& client) {
    client.send_line("me");
    return client.expect_line("Usage: me <action>");
}

// The lines of a reply that ends where the sentinel reply begins.
std::vector<std::string> reply_lines(TcpClient& client, std::string_view command) {
    std::vector<std::string> lines;
    if (!client.send_line(command) || !client.send_line("me")) return lines;
    while (auto line = client.read_line()) {
        if (*line == "Usage: me <action>") break;
        lines.push_back(*line);
    }
    return lines;
}

ServerOptions with_rooms(std::string rooms_table) {
    ServerOptions options;
    options.extra_tables = "[rooms]\n" + std::move(rooms_table);
    return options;
}

}  // namespace

TEST_CASE("Talker: a tell reaches only its receiver; the sender gets a confirmation") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    TcpClient carol = login_client(server.port(), "carol");
    CHECK(alice.expect_line("bob has entered the room."));
    CHECK(alice.expect_line("carol has entered the room."));
    CHECK(bob.expect_line("carol has entered the room."));

    REQUIRE(alice.send_line("tell bob the cake is in the oven"));
    CHECK(alice.expect_line("You tell bob: the cake is in the oven"));
    CHECK(bob.expect_line("alice tells you: the cake is in the oven"));
    CHECK(nothing_before_sentinel(carol));

    REQUIRE(bob.send_line("reply thanks"));
    CHECK(bob.expect_line("You tell alice: thanks"));
    CHECK(alice.expect_line("bob tells you: thanks"));
    CHECK(nothing_before_sentinel(carol));

    REQUIRE(carol.send_line("tell Zed hello?"));
    CHECK(carol.expect_line("No one called \"Zed\" is logged in."));
    CHECK(nothing_before_sentinel(alice));
    CHECK(nothing_before_sentinel(bob));
}

TEST_CASE("Talker: moving between rooms gives left and entered notices; say and look stay per room") {
    ServerProcess server{with_rooms("permanent = [\"lobby\", \"cellar\"]\n")};
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    TcpClient carol = login_client(server.port(), "carol");
    CHECK(alice.expect_line("bob has entered the room."));
    CHECK(alice.expect_line("carol has entered the room."));
    CHECK(bob.expect_line("carol has entered the room."));

    REQUIRE(bob.send_line("join cellar"));
    CHECK(bob.expect_line("You are now in cellar."));
    CHECK(alice.expect_line("bob has left the room."));
    CHECK(carol.expect_line("bob has left the room."));

    REQUIRE(carol.send_line("go attic"));  // created on join
    CHECK(carol.expect_line("You create the room attic."));
    CHECK(carol.expect_line("You are now in attic."));
    CHECK(alice.expect_line("carol has left the room."));
    CHECK(nothing_before_sentinel(bob));

    REQUIRE(alice.send_line("join attic"));
    CHECK(alice.expect_line("You are now in attic."));
    CHECK(carol.expect_line("alice has entered the room."));

    REQUIRE(bob.send_line("say anyone down here?"));
    CHECK(bob.expect_line("bob: anyone down here?"));
    REQUIRE(alice.send_line("say up here"));
    CHECK(alice.expect_line("alice: up here"));
    CHECK(carol.expect_line("alice: up here"));
    CHECK(nothing_before_sentinel(bob));
    CHECK(nothing_before_sentinel(carol));

    CHECK(reply_lines(bob, "look") == std::vector<std::string>{"The following are in this room:", "bob"});
    CHECK(reply_lines(carol, "look") == std::vector<std::string>{"The following are in this room:", "carol", "alice"});
    CHECK(reply_lines(carol, "who") == std::vector<std::string>{"The following are logged in:", "alice (attic)",
                                                                "bob (cellar)", "carol (attic)"});
    CHECK(reply_lines(bob, "rooms") == std::vector<std::string>{"The following rooms are open:", "lobby: 0 people",
                                                                "cellar: 1 person (you are here)",
                                                                "attic: 2 people"});

    // The created room vanishes when the last one leaves; permanent ones stay.
    REQUIRE(alice.send_line("join lobby"));
    CHECK(alice.expect_line("You are now in lobby."));
    REQUIRE(carol.send_line("quit"));
    CHECK(carol.wait_closed());
    CHECK(reply_lines(bob, "rooms") == std::vector<std::string>{"The following rooms are open:", "lobby: 1 person",
                                                                "cellar: 1 person (you are here)"});
    REQUIRE(bob.send_line("join attic"));
    CHECK(bob.expect_line("You create the room attic."));
}

TEST_CASE("Talker: joining the current room, or a missing room without create_on_join, sends no notices") {
    ServerProcess server{with_rooms("permanent = [\"lobby\"]\ncreate_on_join = false\n")};
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    TcpClient carol = login_client(server.port(), "carol");
    CHECK(alice.expect_line("bob has entered the room."));
    CHECK(alice.expect_line("carol has entered the room."));
    REQUIRE(alice.send_line("join LOBBY"));
    CHECK(alice.expect_line("You are already in lobby."));
    REQUIRE(alice.send_line("join attic"));
    CHECK(alice.expect_line("There is no room called \"attic\"; type \"rooms\" for the list."));
    CHECK(bob.expect_line("carol has entered the room."));
    CHECK(nothing_before_sentinel(bob));
    CHECK(nothing_before_sentinel(carol));
}

TEST_CASE("Talker: history lists says and emotes oldest first, each with time and speaker") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    TcpClient carol = login_client(server.port(), "carol");
    REQUIRE(alice.send_line("say first"));
    CHECK(carol.read_until([](std::string_view l) { return l == "alice: first"; }));
    REQUIRE(bob.send_line(":second"));
    CHECK(carol.read_until([](std::string_view l) { return l == "bob second"; }));
    REQUIRE(carol.send_line("'third"));
    CHECK(carol.read_until([](std::string_view l) { return l == "carol: third"; }));
    REQUIRE(alice.send_line("tell bob not history"));

    TcpClient dave = login_client(server.port(), "dave");
    const auto lines = reply_lines(dave, "history");
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "Recent messages in lobby (times in UTC):");
    const std::regex entry{R"(\[([01][0-9]|2[0-3]):[0-5][0-9]\] (.*))"};
    const char* expected[] = {"alice: first", "bob second", "carol: third"};
    for (std::size_t i = 0; i < 3; ++i) {
        CAPTURE(lines[i + 1]);
        std::smatch match;
        REQUIRE(std::regex_match(lines[i + 1], match, entry));
        CHECK(match[2] == expected[i]);
    }
    CHECK(server.wait_for_log("emote lobby bob second"));
}

TEST_CASE("Talker: history keeps only history_lines messages") {
    ServerProcess server{with_rooms("history_lines = 2\n")};
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    TcpClient carol = login_client(server.port(), "carol");
    for (const auto* text : {"one", "two", "three"}) {
        REQUIRE(alice.send_line(std::string{"say "} + text));
        CHECK(bob.read_until([&](std::string_view l) { return l == "alice: " + std::string{text}; }));
    }
    CHECK(carol.read_until([](std::string_view l) { return l == "alice: three"; }));
    const auto lines = reply_lines(carol, "history");
    REQUIRE(lines.size() == 3);
    CHECK(lines[1].ends_with("] alice: two"));
    CHECK(lines[2].ends_with("] alice: three"));
}

TEST_CASE("Talker: an ignored user's says, emotes and tells do not arrive, and they are not told") {
    ServerProcess server;
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    TcpClient carol = login_client(server.port(), "carol");
    CHECK(alice.read_until([](std::string_view l) { return l == "carol has entered the room."; }));
    CHECK(bob.read_until([](std::string_view l) { return l == "carol has entered the room."; }));

    REQUIRE(alice.send_line("ignore bob"));
    CHECK(alice.expect_line("You are now ignoring bob."));
    CHECK(nothing_before_sentinel(bob));

    REQUIRE(bob.send_line("say hello all"));
    REQUIRE(bob.send_line("me juggles"));
    REQUIRE(bob.send_line("tell alice psst"));
    CHECK(bob.expect_line("bob: hello all"));
    CHECK(bob.expect_line("bob juggles"));
    CHECK(bob.expect_line("You tell alice: psst"));  // an ordinary confirmation
    CHECK(carol.expect_line("bob: hello all"));
    CHECK(carol.expect_line("bob juggles"));
    CHECK(nothing_before_sentinel(alice));

    REQUIRE(carol.send_line("say still here"));
    CHECK(alice.expect_line("carol: still here"));

    REQUIRE(alice.send_line("unignore bob"));
    CHECK(alice.expect_line("You are no longer ignoring bob."));
    REQUIRE(bob.send_line("say can you hear me"));
    CHECK(alice.expect_line("bob: can you hear me"));
}

TEST_CASE("Talker: entered notices carry the address only with announce_addresses") {
    SUBCASE("off by default") {
        ServerProcess server;
        TcpClient alice = login_client(server.port(), "alice");
        TcpClient bob = login_client(server.port(), "bob");
        TcpClient carol = login_client(server.port(), "carol");
        CHECK(alice.expect_line("bob has entered the room."));
        CHECK(alice.expect_line("carol has entered the room."));
    }
    SUBCASE("on") {
        ServerOptions options;
        options.server_extra = "announce_addresses = true\n";
        ServerProcess server{options};
        TcpClient alice = login_client(server.port(), "alice");
        TcpClient bob = login_client(server.port(), "bob");
        TcpClient carol = login_client(server.port(), "carol");
        CHECK(alice.expect_line("bob has entered the room. (from 127.0.0.1)"));
        CHECK(alice.expect_line("carol has entered the room. (from 127.0.0.1)"));
        CHECK(bob.expect_line("carol has entered the room. (from 127.0.0.1)"));
    }
}
