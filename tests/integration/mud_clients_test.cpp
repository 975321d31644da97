// MUD clients over TCP against the real natterd: a raw-socket client of the
// tests' own plays each dialect the research recorded (Mudlet, tintin++ with
// MCCP2, MUSHclient, one that answers nothing) on a mud listener and checks
// the bytes; settings kept across logins; MSSP for crawlers.
#include <string>

#include <doctest/doctest.h>

#include "tests/support/chat_client.hpp"
#include "tests/support/mud_peer.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;
using namespace std::chrono_literals;

namespace {

constexpr unsigned char will = 251, wont = 252, do_ = 253, dont = 254;
constexpr unsigned char opt_echo = 1, opt_ttype = 24, opt_eor = 25, opt_naws = 31, opt_environ = 39, opt_charset = 42,
                        opt_mssp = 70, opt_mccp2 = 86, opt_gmcp = 201;

ServerOptions mud_server(bool mccp = false) {
    ServerOptions options;
    options.extra_tables = "[[listeners]]\nport = 0\nkind = \"mud\"\n";
    if (mccp) options.extra_tables += "[telnet]\nmccp = true\n";
    return options;
}

std::string naws(int width, int height) {
    return telnet_sb(opt_naws, std::string{static_cast<char>(width >> 8), static_cast<char>(width & 255),
                                           static_cast<char>(height >> 8), static_cast<char>(height & 255)});
}

std::string ttype_is(std::string_view name) { return telnet_sb(opt_ttype, std::string{'\0'} + std::string{name}); }

using Item = MudPeer::Item;

bool is_welcome(std::string_view line) { return line == "Welcome to TestChat"; }

}  // namespace

TEST_CASE("MUD clients over TCP: the mud listener's offers come in the first write, before the welcome") {
    ServerProcess server{mud_server()};
    const auto port = server.listener_port("mud");
    REQUIRE(port != 0);
    MudPeer client{port};
    REQUIRE(client.expect_line(is_welcome));
    const std::string offers = telnet_verb(will, opt_eor) + telnet_verb(do_, opt_naws) + telnet_verb(do_, opt_ttype) +
                               telnet_verb(will, opt_charset) + telnet_verb(do_, opt_environ) +
                               telnet_verb(will, opt_mssp) + telnet_verb(will, opt_gmcp);
    CHECK(client.first_read() == offers + "Welcome to TestChat\r\n");
    // The classic port, meanwhile, offers nothing.
    TcpClient classic{server.port()};
    CHECK(classic.read_raw_until("\r\n").value_or("") == "Welcome to TestChat\r\n");
}

TEST_CASE("MUD clients over TCP: Mudlet logs in over GMCP and gets chat as GMCP and truecolour text") {
    ServerProcess server{mud_server()};
    MudPeer mudlet{server.listener_port("mud")};
    REQUIRE(mudlet.expect_line(is_welcome));
    REQUIRE(mudlet.send(telnet_verb(do_, opt_eor) + telnet_verb(will, opt_naws) + naws(100, 40) +
                        telnet_verb(will, opt_ttype) + telnet_verb(do_, opt_charset) + telnet_verb(will, opt_environ) +
                        telnet_verb(do_, opt_gmcp) +
                        telnet_sb(opt_gmcp, R"(Core.Hello { "client": "Mudlet", "version": "4.17.2"})") +
                        telnet_sb(opt_gmcp, R"(Core.Supports.Set [ "Char 1", "Room 1", "Char.Login 1"])")));
    // TTYPE: three rounds, the third answered with MTTS.
    for (const char* name : {"MUDLET", "ANSI-TRUECOLOR", "MTTS 2349"}) {
        const auto send = mudlet.expect_subnegotiation(opt_ttype);
        REQUIRE(send);
        CHECK(send->text == "\x01");
        REQUIRE(mudlet.send(ttype_is(name)));
    }
    const auto request = mudlet.expect_subnegotiation(opt_charset);
    REQUIRE(request);
    CHECK(request->text == "\x01;UTF-8");
    REQUIRE(mudlet.send(telnet_sb(opt_charset, "\x02UTF-8")));
    REQUIRE(mudlet.expect_gmcp("Char.Login.Default"));
    REQUIRE(mudlet.send(telnet_sb(opt_gmcp, R"(Char.Login.Credentials {"account":"Mudder","password":""})")));
    const auto result = mudlet.expect_gmcp("Char.Login.Result");
    REQUIRE(result);
    CHECK(result->find(R"("success":true)") != std::string::npos);
    CHECK(mudlet.expect_gmcp(R"(Char.Name {"fullname":"Mudder","name":"Mudder"})"));
    CHECK(mudlet.expect_gmcp(R"(Room.Info {"area":"TestChat","name":"lobby")"));

    auto plain = login_client(server.port(), "Plainer");
    CHECK(mudlet.expect_gmcp(R"(Room.AddPlayer {"fullname":"Plainer","name":"Plainer"})"));
    REQUIRE(plain.send_line("say hello from a plain telnet"));
    CHECK(plain.expect_line("Plainer: hello from a plain telnet"));  // the classic bytes for the plain one
    const auto line = mudlet.expect_line([](std::string_view l) { return l.ends_with(": hello from a plain telnet"); });
    REQUIRE(line);
    CHECK(line->find("\x1b[1;38;2;") != std::string::npos);  // a truecolour name
    CHECK(mudlet.expect_gmcp(
        R"(Comm.Channel.Text {"channel":"lobby","talker":"Plainer","text":"Plainer: hello from a plain telnet"})"));
    // And back: the plain client sees the MUD client's say as the classic string.
    REQUIRE(mudlet.send_line("say hi"));
    CHECK(plain.expect_line("Mudder: hi"));
}

TEST_CASE("MUD clients over TCP: tintin++ with MCCP2 — the stream starts after TTYPE, inflates, and ends on DONT") {
    ServerProcess server{mud_server(true)};
    MudPeer tintin{server.listener_port("mud")};
    REQUIRE(tintin.expect_line(is_welcome));
    REQUIRE(tintin.send(telnet_verb(will, opt_ttype) + telnet_verb(will, opt_naws) + naws(120, 40) +
                        telnet_verb(do_, opt_eor) + telnet_verb(do_, opt_charset) + telnet_verb(dont, opt_gmcp) +
                        telnet_verb(do_, opt_mccp2)));
    for (const char* name : {"TINTIN++", "xterm-256color", "MTTS 271"}) {
        REQUIRE(tintin.expect_subnegotiation(opt_ttype));
        CHECK_FALSE(tintin.compressed());  // not during the TTYPE cycle
        REQUIRE(tintin.send(ttype_is(name)));
    }
    REQUIRE(tintin.send_line("login Tin"));
    REQUIRE(tintin.send_line("client"));
    CHECK(tintin.expect_line([](std::string_view l) { return l == "  window:        120 x 40 (NAWS)"; }));
    CHECK(tintin.compressed());
    auto plain = login_client(server.port(), "Plainer");
    const std::string long_line(300, 'w');
    REQUIRE(plain.send_line("say " + long_line));
    // Wrapped at 119 columns: 'Plainer: ' and the start of the word, then
    // indented lines of it.
    const auto first = tintin.expect_line([](std::string_view l) { return l.find("Plainer") != std::string_view::npos &&
                                                                           l.find("www") != std::string_view::npos; });
    REQUIRE(first);
    CHECK(first->find("\x1b[") != std::string::npos);  // colour: MTTS 271 has the truecolor bit
    const auto second = tintin.expect_line([](std::string_view l) { return l.starts_with("  www"); });
    REQUIRE(second);
    CHECK(second->size() == 119);
    // DONT MCCP2: the stream ends (Z_STREAM_END) and plain text follows.
    REQUIRE(tintin.send(telnet_verb(dont, opt_mccp2)));
    REQUIRE(plain.send_line("say after the end"));
    CHECK(tintin.expect_line([](std::string_view l) { return l.ends_with(": after the end"); }));
    CHECK(tintin.stream_ended());
    CHECK_FALSE(tintin.compressed());
}

TEST_CASE("MUD clients over TCP: MUSHclient takes CHARSET only the DO way, and natter offers it so") {
    ServerProcess server{mud_server()};
    MudPeer mush{server.listener_port("mud")};
    REQUIRE(mush.expect_line(is_welcome));
    REQUIRE(mush.send(telnet_verb(dont, opt_charset) + telnet_verb(will, opt_ttype)));
    REQUIRE(mush.expect_verb(do_, opt_charset));
    REQUIRE(mush.send(telnet_verb(will, opt_charset)));
    const auto request = mush.expect_subnegotiation(opt_charset);
    REQUIRE(request);
    CHECK(request->text == "\x01;UTF-8");
    REQUIRE(mush.send(telnet_sb(opt_charset, "\x02UTF-8")));
    REQUIRE(mush.expect_subnegotiation(opt_ttype));
    REQUIRE(mush.send(ttype_is("MUSHCLIENT")));
    REQUIRE(mush.expect_subnegotiation(opt_ttype));
    REQUIRE(mush.send(ttype_is("MUSHCLIENT")));
    REQUIRE(mush.send_line("login Mush"));
    REQUIRE(mush.send_line("client"));
    CHECK(mush.expect_line([](std::string_view l) { return l == "  terminal:      MUSHCLIENT"; }));
    CHECK(mush.expect_line([](std::string_view l) { return l == "  charset:       UTF-8 (agreed)"; }));
    CHECK(mush.expect_line([](std::string_view l) { return l == "  colour:        256 colours"; }));
}

TEST_CASE("MUD clients over TCP: a client on the mud port that answers nothing chats as a plain one") {
    ServerProcess server{mud_server()};
    MudPeer quiet{server.listener_port("mud")};
    REQUIRE(quiet.expect_line(is_welcome));
    REQUIRE(quiet.send_line("login Quiet"));
    auto other = login_client(server.port(), "Other");
    REQUIRE(other.send_line("say can you hear me"));
    CHECK(quiet.expect_line([](std::string_view l) { return l == "Other: can you hear me"; }));
    REQUIRE(quiet.send_line("say yes"));
    CHECK(other.read_until([](std::string_view l) { return l == "Quiet: yes"; }));
}

TEST_CASE("MUD clients over TCP: a password prompt is marked with EOR and the password is never echoed") {
    ServerProcess server{mud_server()};
    // Register a name from a plain client first.
    {
        auto owner = login_client(server.port(), "Owner");
        REQUIRE(owner.send_line("register"));
        REQUIRE(owner.read_until([](std::string_view l) { return l == "Choose a password:"; }));
        REQUIRE(owner.send_line("correct horse battery"));
        REQUIRE(owner.read_until([](std::string_view l) { return l == "Type the password again:"; }));
        REQUIRE(owner.send_line("correct horse battery"));
        REQUIRE(owner.read_until([](std::string_view l) { return l.find("registered") != std::string_view::npos; },
                                 10000ms));
        REQUIRE(owner.send_line("client colour off"));
        REQUIRE(owner.read_until([](std::string_view l) { return l.find("kept for your next login") != std::string_view::npos; }));
        REQUIRE(owner.send_line("quit"));
        CHECK(owner.wait_closed(5000ms));
    }
    MudPeer mud{server.listener_port("mud")};
    REQUIRE(mud.expect_line(is_welcome));
    REQUIRE(mud.send(telnet_verb(do_, opt_eor) + telnet_verb(wont, opt_ttype) + telnet_verb(will, opt_naws) +
                     naws(80, 24)));
    REQUIRE(mud.send_line("login Owner"));
    REQUIRE(mud.expect_verb(will, opt_echo));
    // "Password: " then IAC EOR, with no line end.
    const auto mark = mud.read_until([](const Item& i) { return i.kind == Item::Kind::mark; }, 5000ms);
    REQUIRE(mark);
    CHECK(mark->code == 239);
    REQUIRE(mud.send(telnet_verb(do_, opt_echo)));
    REQUIRE(mud.send_line("correct horse battery"));
    REQUIRE(mud.send_line("client"));
    // The setting made earlier came back with the login.
    CHECK(mud.expect_line([](std::string_view l) { return l == "  colour:        none (your setting)"; }, 10000ms));
    for (const auto& item : mud.seen()) CHECK(item.text.find("horse") == std::string::npos);
    CHECK(server.stdout_text().find("horse") == std::string::npos);
}

TEST_CASE("MUD clients over TCP: MSSP-REQUEST answers a crawler in plain text, and it is never a player") {
    ServerProcess server;
    auto alice = login_client(server.port(), "Alice");
    TcpClient crawler{server.port()};
    REQUIRE(crawler.expect_line("Welcome to TestChat"));
    REQUIRE(crawler.send_line("MSSP-REQUEST"));
    CHECK(crawler.expect_line("MSSP-REPLY-START"));
    CHECK(crawler.expect_line("NAME\tTestChat"));
    CHECK(crawler.expect_line("PLAYERS\t1"));
    const auto end = crawler.read_until([](std::string_view l) { return l == "MSSP-REPLY-END"; });
    REQUIRE(end);
    bool port_listed = false;
    for (const auto& line : crawler.skipped_lines()) {
        if (line == "PORT\t" + std::to_string(server.port())) port_listed = true;
    }
    CHECK(port_listed);
    REQUIRE(alice.send_line("who"));
    REQUIRE(alice.expect_line("The following are logged in:"));
    CHECK(alice.expect_line("Alice (lobby)"));
}
