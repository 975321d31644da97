// The talker's daily life over real TCP against the real natterd: shouts
// across rooms, away by idling and back, and what outlives a restart of
// natterd — mail announced at the next login, a permanent room's topic, a
// registered user's ignore list and description. "Nothing arrived" is
// proven with a sentinel: the client's next line must be the reply to a
// later command of its own.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

namespace {

constexpr Millis slow{10000};  // an argon2 hash under sanitizers on a busy machine

auto is(std::string_view wanted) {
    return [wanted](std::string_view line) { return line == wanted; };
}
auto starts(std::string_view wanted) {
    return [wanted](std::string_view line) { return line.starts_with(wanted); };
}

// An empty `me` gets a one-line usage reply, to the sender only: if that is
// the next line, nothing else reached `client` before it.
LineCheck nothing_before_sentinel(TcpClient& client) {
    client.send_line("me");
    return client.expect_line("Usage: me <action>");
}

// A guest logs in as `name` and registers it with `password`.
TcpClient registered(std::uint16_t port, std::string_view name, std::string_view password) {
    TcpClient client = login_client(port, name);
    REQUIRE(client.send_line("register"));
    REQUIRE(client.read_until(is("Choose a password:")));
    REQUIRE(client.send_line(password));
    REQUIRE(client.expect_line("Type the password again:"));
    REQUIRE(client.send_line(password));
    REQUIRE(client.read_until(starts("The name \"" + std::string{name} + "\" is now registered"), slow));
    return client;
}

// Connects and answers the password prompt of a registered name; the
// lines after it (the login's own) are left to read.
TcpClient with_password(std::uint16_t port, std::string_view name, std::string_view password) {
    TcpClient client{port};
    REQUIRE(client.read_until(is("Welcome to TestChat")));
    REQUIRE(client.send_line("login " + std::string{name}));
    REQUIRE(client.read_until(is("Password:")));
    REQUIRE(client.send_line(password));
    return client;
}

// with_password, then waits until the login took effect (look lists the name).
TcpClient logged_in(std::uint16_t port, std::string_view name, std::string_view password) {
    TcpClient client = with_password(port, name, password);
    REQUIRE(client.send_line("look"));
    REQUIRE(client.read_until(is("The following are in this room:"), slow));
    REQUIRE(client.read_until([&](std::string_view line) { return names_user(line, name); }));
    return client;
}

}  // namespace

TEST_CASE("Talker life: a shout reaches every room, someone who ignores the shouter gets nothing") {
    ServerProcess server;
    TcpClient amy = login_client(server.port(), "amy");
    TcpClient bob = login_client(server.port(), "bob");
    TcpClient cat = login_client(server.port(), "cat");
    REQUIRE(bob.send_line("join kitchen"));
    REQUIRE(bob.read_until(is("You are now in kitchen.")));
    REQUIRE(cat.read_until(is("bob has left the room.")));
    REQUIRE(cat.send_line("ignore amy"));
    REQUIRE(cat.read_until(is("You are now ignoring amy.")));

    REQUIRE(amy.send_line("shout fire drill at noon"));
    CHECK(amy.read_until(is("amy shouts: fire drill at noon")));
    CHECK(bob.read_until(is("amy shouts: fire drill at noon")));
    REQUIRE(amy.send_line("shout :waves to everyone"));
    CHECK(bob.expect_line("! amy waves to everyone"));
    CHECK(amy.read_until(is("! amy waves to everyone")));
    CHECK(nothing_before_sentinel(cat));
}

TEST_CASE("Talker life: an idle user is marked away, who shows it, a tell gets it back, and a say ends it") {
    ServerProcess server{{.limits = "flood_per_second = 0\nauto_away_s = 1\n"}};
    TcpClient amy = login_client(server.port(), "amy");
    TcpClient bob = login_client(server.port(), "bob");
    // Both idle: both are marked away within a tick or two.
    CHECK(amy.read_until(is("You have been idle for 1s and are marked away; type anything to come back."),
                         Millis{5000}));
    CHECK(bob.read_until(is("amy is away (idle)."), Millis{5000}));
    // bob logged in after amy, so on a slow machine his own turn may come a
    // tick later: his tell below must find him away.
    CHECK(bob.read_until(is("You have been idle for 1s and are marked away; type anything to come back."),
                         Millis{5000}));
    REQUIRE(bob.send_line("who"));
    CHECK(bob.read_until(is("amy (lobby, away)")));
    REQUIRE(bob.send_line("tell amy lunch?"));
    CHECK(bob.read_until(is("You are back.")));  // a tell is a command: bob is back
    CHECK(bob.read_until(is("You tell amy: lunch?")));
    CHECK(bob.expect_line("amy is away."));
    CHECK(amy.read_until(is("bob tells you: lunch?")));

    // bob idles into away again meanwhile, so amy's lines are looked for.
    REQUIRE(amy.send_line("say yes, lunch"));
    CHECK(amy.read_until(is("You are back.")));
    CHECK(amy.read_until(is("amy: yes, lunch")));
    CHECK(bob.read_until(is("amy is back.")));
    CHECK(bob.read_until(is("amy: yes, lunch")));

    REQUIRE(amy.send_line("away back at two"));
    CHECK(amy.read_until(starts("You are now away (back at two)")));
    CHECK(bob.read_until(is("amy is away: back at two")));
}

TEST_CASE("Talker life: mail left for someone away is announced at their login after a restart") {
    ServerProcess server;
    {
        TcpClient alice = registered(server.port(), "alice", "alice password");
        {
            TcpClient bob = registered(server.port(), "bob", "bob password");
            REQUIRE(bob.send_line("logout"));
            REQUIRE(bob.wait_closed());
        }
        REQUIRE(alice.send_line("mail bob see you at the meeting tomorrow"));
        CHECK(alice.read_until(is("Mail sent to bob."), slow));
    }
    REQUIRE(server.terminate() == 0);

    RestartedServer again{server.config_path()};
    TcpClient bob = with_password(again.port(), "bob", "bob password");
    CHECK(bob.read_until(is("You have 1 new message; type \"mail\" to read it."), slow));
    REQUIRE(bob.send_line("mail read 1"));
    CHECK(bob.read_until(starts("Message 1, from alice, ")));
    CHECK(bob.expect_line("  see you at the meeting tomorrow"));
    // Someone here gets a notice at once.
    TcpClient alice = logged_in(again.port(), "alice", "alice password");
    REQUIRE(alice.send_line("mail bob and bring biscuits"));
    CHECK(alice.read_until(is("Mail sent to bob."), slow));
    CHECK(bob.read_until(is("You have new mail from alice; type \"mail\" to read it.")));
}

TEST_CASE("Talker life: the topic an operator gives a permanent room is there after a restart") {
    ServerProcess server{{.extra_tables = "[operators]\nnames = [\"root\"]\n"}};
    {
        TcpClient root = registered(server.port(), "root", "operator password");
        TcpClient amy = login_client(server.port(), "amy");
        REQUIRE(amy.send_line("topic mine"));
        CHECK(amy.read_until(is("Only operators may set the topic of lobby.")));
        REQUIRE(root.send_line("topic Be kind; no spoilers"));
        CHECK(root.read_until(is("root sets the topic: Be kind; no spoilers")));
        CHECK(amy.read_until(is("root sets the topic: Be kind; no spoilers")));
    }
    REQUIRE(server.terminate() == 0);

    RestartedServer again{server.config_path()};
    TcpClient amy{again.port()};
    REQUIRE(amy.read_until(is("Welcome to TestChat")));
    REQUIRE(amy.send_line("login amy"));
    CHECK(amy.expect_line("The topic of lobby is: Be kind; no spoilers"));
    REQUIRE(amy.send_line("rooms"));
    CHECK(amy.read_until(is("lobby: 1 person (you are here), topic: Be kind; no spoilers")));
}

TEST_CASE("Talker life: a registered user's ignore list and description are there after a restart") {
    ServerProcess server;
    {
        TcpClient alice = registered(server.port(), "alice", "alice password");
        TcpClient bob = registered(server.port(), "bob", "bob password");
        REQUIRE(bob.send_line("ignore alice"));
        CHECK(bob.read_until(is("You are now ignoring alice.")));
        REQUIRE(bob.send_line("desc the builder"));
        CHECK(bob.read_until(is("You are now: bob the builder")));
    }
    REQUIRE(server.terminate() == 0);

    RestartedServer again{server.config_path()};
    TcpClient alice = logged_in(again.port(), "alice", "alice password");
    TcpClient bob = logged_in(again.port(), "bob", "bob password");
    REQUIRE(alice.read_until(is("bob has entered the room.")));
    REQUIRE(bob.send_line("ignore"));
    CHECK(bob.expect_line("You are ignoring: alice"));
    REQUIRE(alice.send_line("say can you hear me?"));
    CHECK(alice.expect_line("alice: can you hear me?"));
    REQUIRE(alice.send_line("shout or now?"));
    CHECK(alice.expect_line("alice shouts: or now?"));
    CHECK(nothing_before_sentinel(bob));
    REQUIRE(alice.send_line("who"));
    CHECK(alice.expect_line("The following are logged in:"));
    CHECK(alice.expect_line("alice (lobby)"));
    CHECK(alice.expect_line("bob the builder (lobby)"));
}
