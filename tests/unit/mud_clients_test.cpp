// MUD clients (SPEC §8), through a Session and its bytes: what a mud
// listener offers, and what natter makes of each client's dialect as the
// research recorded it (Mudlet, tintin++, MUSHclient, a client that answers
// nothing): TTYPE/MTTS, NAWS, CHARSET both ways, NEW-ENVIRON, GMCP, EOR and
// GA prompts, MSSP, MCCP2. No sockets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <zlib.h>

#include "src/client_profile.hpp"
#include "tests/unit/telnet_output.hpp"
#include "tests/unit/test_world.hpp"

namespace natter {
namespace {

constexpr unsigned char iac = 255, will = 251, wont = 252, do_ = 253, dont = 254, sb = 250, se = 240;
constexpr unsigned char eor_mark = 239, ga_mark = 249;

std::string bytes(std::initializer_list<unsigned char> list) { return {list.begin(), list.end()}; }
std::string verb(unsigned char v, unsigned char option) { return bytes({iac, v, option}); }
std::string subneg(unsigned char option, std::string_view payload) {
    std::string out = bytes({iac, sb, option});
    for (const char c : payload) {
        out.push_back(c);
        if (static_cast<unsigned char>(c) == iac) out.push_back(c);
    }
    return out + bytes({iac, se});
}
std::string ttype_is(std::string_view name) { return subneg(telnet_opt::ttype, std::string{'\0'} + std::string{name}); }
std::string gmcp(std::string_view message) { return subneg(telnet_opt::gmcp, message); }
std::string naws(std::uint16_t w, std::uint16_t h) {
    return subneg(telnet_opt::naws, bytes({static_cast<unsigned char>(w >> 8), static_cast<unsigned char>(w & 255),
                                           static_cast<unsigned char>(h >> 8), static_cast<unsigned char>(h & 255)}));
}

const std::string ttype_send = std::string{'\x01'};

bool contains(const std::vector<std::string>& list, std::string_view item) {
    for (const auto& x : list) {
        if (x == item) return true;
    }
    return false;
}

bool any_starts_with(const std::vector<std::string>& list, std::string_view prefix) {
    for (const auto& x : list) {
        if (x.starts_with(prefix)) return true;
    }
    return false;
}

// Mudlet's answers to the opening offers, as the research recorded them.
std::string mudlet_answers() {
    return verb(do_, telnet_opt::eor) + verb(will, telnet_opt::naws) + naws(100, 40) + verb(will, telnet_opt::ttype) +
           verb(do_, telnet_opt::charset) + verb(will, telnet_opt::new_environ) + verb(do_, telnet_opt::mssp) +
           verb(do_, telnet_opt::gmcp) +
           gmcp(R"(Core.Hello { "client": "Mudlet", "version": "4.17.2"})") +
           gmcp(R"(Core.Supports.Set [ "Char 1", "Char.Skills 1", "Char.Items 1", "Room 1", "IRE.Rift 1", "Char.Login 1"])");
}

}  // namespace

TEST_CASE("MUD clients: a mud listener offers its options in the same write, before the welcome") {
    test::TestWorld t;
    auto& s = t.connect("127.0.0.1", ListenerKind::mud);
    const std::string out = test::take_bytes(s);
    const std::string offers = verb(will, telnet_opt::eor) + verb(do_, telnet_opt::naws) + verb(do_, telnet_opt::ttype) +
                               verb(will, telnet_opt::charset) + verb(do_, telnet_opt::new_environ) +
                               verb(will, telnet_opt::mssp) + verb(will, telnet_opt::gmcp);
    CHECK(out == offers + "Welcome to TestChat\r\n");
}

TEST_CASE("MUD clients: MCCP2 is offered too when [telnet] mccp is on") {
    auto config = test::test_config();
    config.telnet.mccp = true;
    test::TestWorld t{config};
    auto& s = t.connect("127.0.0.1", ListenerKind::mud);
    CHECK(test::has_verb(test::take_telnet(s), will, telnet_opt::mccp2));
}

TEST_CASE("MUD clients: the classic port offers nothing and its bytes stay classic") {
    test::TestWorld t;
    auto& s = t.connect();
    CHECK(test::take_bytes(s) == "Welcome to TestChat\r\n");
    test::TestWorld::type(s, "login Alice");
    test::TestWorld::type(s, "say hi");
    CHECK(test::take_bytes(s) == "Alice: hi\r\n");
    CHECK(s.variant().plain());
    CHECK(s.profile() == nullptr);
}

TEST_CASE("MUD clients: a client that answers nothing sees no difference, and nothing waits") {
    test::TestWorld t;
    auto& s = t.connect("127.0.0.1", ListenerKind::mud);
    test::take_bytes(s);
    test::TestWorld::type(s, "login Quiet");
    test::TestWorld::type(s, "say hello");
    CHECK(test::take_lines(s) == std::vector<std::string>{"Quiet: hello"});
    CHECK(s.variant().plain());
}

TEST_CASE("MUD clients: Mudlet's dialect — TTYPE cycle, MTTS, CHARSET, NEW-ENVIRON, MSSP, GMCP") {
    test::TestWorld t;
    auto& s = t.connect("127.0.0.1", ListenerKind::mud);
    test::take_bytes(s);
    s.receive(mudlet_answers());
    auto items = test::take_telnet(s);
    // TTYPE SEND, CHARSET REQUEST ";UTF-8", NEW-ENVIRON SEND, MSSP, and the
    // GMCP log-in offer.
    CHECK(test::subnegotiations_of(items, telnet_opt::ttype) == std::vector<std::string>{ttype_send});
    CHECK(test::subnegotiations_of(items, telnet_opt::charset) == std::vector<std::string>{"\x01;UTF-8"});
    CHECK(test::subnegotiations_of(items, telnet_opt::new_environ) == std::vector<std::string>{"\x01"});
    REQUIRE(test::subnegotiations_of(items, telnet_opt::mssp).size() == 1);
    CHECK(contains(test::gmcp_of(items), R"(Char.Login.Default {"type":["password-credentials"]})"));
    // Mudlet: name, terminal, MTTS (then it would restart; natter stops).
    s.receive(ttype_is("MUDLET"));
    CHECK(test::subnegotiations_of(test::take_telnet(s), telnet_opt::ttype) == std::vector<std::string>{ttype_send});
    s.receive(ttype_is("ANSI-TRUECOLOR"));
    CHECK(test::subnegotiations_of(test::take_telnet(s), telnet_opt::ttype) == std::vector<std::string>{ttype_send});
    s.receive(ttype_is("MTTS 2349"));
    CHECK(test::subnegotiations_of(test::take_telnet(s), telnet_opt::ttype).empty());
    s.receive(subneg(telnet_opt::charset, "\x02UTF-8"));
    s.receive(subneg(telnet_opt::new_environ, std::string("\x00\x03", 2) + "CLIENT_NAME\x01Mudlet\x03" "CLIENT_VERSION\x01" +
                                                 "4.17.2\x03" "SCREEN_READER\x01" "0"));
    const auto* p = s.profile();
    REQUIRE(p != nullptr);
    CHECK(p->terminal_types == std::vector<std::string>{"MUDLET", "ANSI-TRUECOLOR"});
    CHECK(p->mtts == 2349U);
    CHECK(p->charset == Charset::utf8);
    CHECK(p->client_name == "Mudlet");
    CHECK(p->client_version == "4.17.2");
    CHECK(p->width == 100);
    CHECK(p->height == 40);
    const auto& v = s.variant();
    CHECK(v.colour == ColourDepth::truecolor);
    CHECK(v.width == 99);
    CHECK(v.prompt == PromptMark::eor);
    CHECK(v.gmcp);
    CHECK(v.gmcp_char);  // listed "Char 1"
    CHECK(v.gmcp_room);
    CHECK(v.gmcp_comm);  // never listed by Mudlet, sent anyway
    CHECK_FALSE(v.ascii);
}

TEST_CASE("MUD clients: tintin++'s dialect — MTTS repeated forever, NEW-ENVIRON with its doubled IS byte") {
    test::TestWorld t;
    auto& s = t.connect("127.0.0.1", ListenerKind::mud);
    test::take_bytes(s);
    s.receive(verb(will, telnet_opt::ttype) + verb(will, telnet_opt::naws) + naws(120, 40) + verb(do_, telnet_opt::eor) +
              verb(do_, telnet_opt::charset) + verb(will, telnet_opt::new_environ) +
              verb(dont, telnet_opt::gmcp));  // tintin++ refuses GMCP unless scripted
    test::take_bytes(s);
    for (const char* name : {"TINTIN++", "xterm-256color", "MTTS 271", "MTTS 271", "MTTS 271"}) s.receive(ttype_is(name));
    s.receive(subneg(telnet_opt::charset, "\x02UTF-8"));
    const std::string is_var("\x00\x00", 2);  // tintin++ repeats the IS byte
    s.receive(subneg(telnet_opt::new_environ, is_var + "CHARSET\x01UTF-8" + is_var + "CLIENT_NAME\x01TinTin++" + is_var +
                                                  "CLIENT_VERSION\x01" + "2.02.20 " + is_var + "MTTS\x01" + "783"));
    auto items = test::take_telnet(s);
    // SENDs after each name before MTTS, none after it.
    CHECK(test::subnegotiations_of(items, telnet_opt::ttype) == std::vector<std::string>{ttype_send, ttype_send});
    const auto* p = s.profile();
    REQUIRE(p != nullptr);
    CHECK(p->terminal_types == std::vector<std::string>{"TINTIN++", "xterm-256color"});
    CHECK(p->mtts == 271U);  // TTYPE's, not NEW-ENVIRON's 783
    CHECK(p->client_name == "TinTin++");
    CHECK(p->client_version == "2.02.20");
    CHECK(s.variant().colour == ColourDepth::truecolor);  // 271 has the truecolor bit
    CHECK(s.variant().width == 119);
    CHECK_FALSE(s.variant().gmcp);
}

TEST_CASE("MUD clients: MUSHclient's dialect — one repeated name, CHARSET only the DO way") {
    test::TestWorld t;
    auto& s = t.connect("127.0.0.1", ListenerKind::mud);
    test::take_bytes(s);
    // It refuses WILL CHARSET: natter offers DO CHARSET instead.
    s.receive(verb(dont, telnet_opt::charset) + verb(will, telnet_opt::ttype));
    auto items = test::take_telnet(s);
    CHECK(test::has_verb(items, do_, telnet_opt::charset));
    CHECK(test::subnegotiations_of(items, telnet_opt::charset).empty());
    s.receive(verb(will, telnet_opt::charset));
    CHECK(test::subnegotiations_of(test::take_telnet(s), telnet_opt::charset) ==
          std::vector<std::string>{"\x01;UTF-8"});
    s.receive(subneg(telnet_opt::charset, "\x02UTF-8"));
    s.receive(ttype_is("MUSHCLIENT"));
    s.receive(ttype_is("MUSHCLIENT"));  // a repeat ends the cycle
    const auto sends = test::subnegotiations_of(test::take_telnet(s), telnet_opt::ttype);
    CHECK(sends.size() == 1);  // after the first name only
    CHECK(s.profile()->terminal_types == std::vector<std::string>{"MUSHCLIENT"});
    CHECK(s.profile()->charset == Charset::utf8);
    CHECK(s.variant().colour == ColourDepth::ansi256);
}

TEST_CASE("MUD clients: TTYPE stops after four rounds, names are cleaned and capped at 64 bytes") {
    test::TestWorld t;
    auto& s = t.connect();
    test::take_bytes(s);
    s.receive(verb(will, telnet_opt::ttype));
    int sends = static_cast<int>(test::subnegotiations_of(test::take_telnet(s), telnet_opt::ttype).size());
    for (int i = 0; i < 10; ++i) {
        s.receive(ttype_is("T" + std::to_string(i) + "\x1b[31m" + std::string(50, 'x')));
        sends += static_cast<int>(test::subnegotiations_of(test::take_telnet(s), telnet_opt::ttype).size());
    }
    CHECK(sends == 4);
    const auto& names = s.profile()->terminal_types;
    REQUIRE(names.size() == 4);
    for (const auto& name : names) {
        CHECK(name.size() <= 64);
        CHECK(name.find('\x1b') == std::string::npos);
    }
}

TEST_CASE("MUD clients: CHARSET REJECTED gives 7-bit text only") {
    test::TestWorld t;
    auto& bob = t.login("bob");
    auto& s = t.connect("127.0.0.1", ListenerKind::mud);
    test::TestWorld::type(s, "login Ascii");
    s.receive(verb(do_, telnet_opt::charset));
    s.receive(subneg(telnet_opt::charset, "\x03"));
    CHECK(s.variant().ascii);
    test::take_bytes(s);
    test::TestWorld::type(bob, "say caf\xC3\xA9 \xE6\x97\xA5");
    CHECK(test::lines_of(test::take_telnet(s)) == std::vector<std::string>{"bob: cafe ?"});
}

TEST_CASE("MUD clients: a client's own CHARSET REQUEST is answered by RFC 2066") {
    test::TestWorld t;
    auto& s = t.connect();
    test::take_bytes(s);
    s.receive(verb(will, telnet_opt::charset));  // natter agrees (DO) and asks
    auto items = test::take_telnet(s);
    CHECK(test::has_verb(items, do_, telnet_opt::charset));
    CHECK(test::subnegotiations_of(items, telnet_opt::charset) == std::vector<std::string>{"\x01;UTF-8"});
    // Its REQUEST crossed ours: the server refuses the client's.
    s.receive(subneg(telnet_opt::charset, "\x01;ISO-8859-1;UTF-8"));
    CHECK(test::subnegotiations_of(test::take_telnet(s), telnet_opt::charset) == std::vector<std::string>{"\x03"});
    // A client that asks first gets UTF-8 when it offers it.
    test::TestWorld t2;
    auto& c = t2.connect();
    test::take_bytes(c);
    c.receive(verb(do_, telnet_opt::charset));
    test::take_bytes(c);
    c.profile_for_update().charset_phase = 0;  // as if our request were still to come
    c.receive(subneg(telnet_opt::charset, "\x01 US-ASCII UTF-8"));
    CHECK(test::subnegotiations_of(test::take_telnet(c), telnet_opt::charset) == std::vector<std::string>{"\x02UTF-8"});
    CHECK(c.profile()->charset == Charset::utf8);
}

TEST_CASE("MUD clients: NAWS sets the wrap width at any time; a wrong length is ignored") {
    test::TestWorld t;
    auto& bob = t.login("bob");
    auto& s = t.connect();
    test::TestWorld::type(s, "login Narrow");
    s.receive(verb(will, telnet_opt::naws) + naws(30, 20));
    CHECK(s.variant().width == 29);
    test::take_bytes(s);
    test::TestWorld::type(bob, "say the quick brown fox jumps over the lazy dog");
    CHECK(test::lines_of(test::take_telnet(s)) ==
          std::vector<std::string>{"bob: the quick brown fox", "  jumps over the lazy dog"});
    s.receive(naws(200, 50));
    CHECK(s.variant().width == 199);
    s.receive(subneg(telnet_opt::naws, bytes({0, 80, 0})));  // 3 bytes: ignored
    CHECK(s.variant().width == 199);
    s.receive(naws(0, 0));  // unknown: no wrapping
    CHECK(s.variant().width == 0);
}

TEST_CASE("MUD clients: a NAWS subnegotiation before WILL NAWS counts for nothing") {
    test::TestWorld t;
    auto& s = t.connect();
    s.receive(naws(40, 20));
    CHECK(s.variant().width == 0);
}

TEST_CASE("MUD clients: prompts are left open and marked with EOR, or GA, or end with CR LF") {
    for (const auto mark : {0, 1, 2}) {
        CAPTURE(mark);
        auto config = test::test_config();
        test::TestWorld t{config};
        auto& s = t.connect();
        if (mark == 1) s.receive(verb(do_, telnet_opt::eor));
        if (mark == 2) s.receive(verb(will, telnet_opt::naws));  // a MUD client, no EOR: GA
        test::take_bytes(s);
        s.ask_secret("Password:", [](Session&, std::string&) {});
        const auto out = test::take_bytes(s);
        const std::string will_echo = verb(will, telnet_opt::echo);
        if (mark == 0) CHECK(out == will_echo + "Password:\r\n");
        if (mark == 1) CHECK(out == will_echo + "Password: " + bytes({iac, eor_mark}));
        if (mark == 2) CHECK(out == will_echo + "Password: " + bytes({iac, ga_mark}));
    }
    // No GA once go-ahead is suppressed.
    test::TestWorld t;
    auto& s = t.connect();
    s.receive(verb(will, telnet_opt::naws) + verb(do_, telnet_opt::sga));
    CHECK(s.variant().prompt == PromptMark::line);
}

TEST_CASE("MUD clients: GMCP carries says, tells, arrivals and departures; JSON is escaped") {
    test::TestWorld t;
    auto& g = t.connect();
    g.receive(verb(do_, telnet_opt::gmcp));
    test::TestWorld::type(g, "login Gee");
    auto items = test::take_telnet(g);
    // Room.Info and Room.Players on entering; no Char.Name, as Char was not listed.
    const auto joined = test::gmcp_of(items);
    CHECK(any_starts_with(joined, R"(Room.Info {"area":"TestChat","name":"lobby","num":)"));
    CHECK(contains(joined, R"(Room.Players [{"fullname":"Gee","name":"Gee"}])"));
    CHECK(any_starts_with(joined, R"j(Comm.Channel.List [{"caption":"lobby (room)","command":"join lobby","name":"lobby"})j"));
    CHECK_FALSE(any_starts_with(joined, "Char.Name"));
    auto& bob = t.connect();
    test::TestWorld::type(bob, "login bob");
    CHECK(contains(test::gmcp_of(test::take_telnet(g)), R"(Room.AddPlayer {"fullname":"bob","name":"bob"})"));
    test::TestWorld::type(bob, "say \"quoted\" \\ back");
    items = test::take_telnet(g);
    CHECK(test::lines_of(items) == std::vector<std::string>{"bob: \"quoted\" \\ back"});
    CHECK(test::gmcp_of(items) ==
          std::vector<std::string>{R"(Comm.Channel.Text {"channel":"lobby","talker":"bob","text":"bob: \"quoted\" \\ back"})"});
    test::TestWorld::type(bob, "tell Gee psst");
    CHECK(contains(test::gmcp_of(test::take_telnet(g)),
                   R"(Comm.Channel.Text {"channel":"tell","talker":"bob","text":"bob tells you: psst"})"));
    test::TestWorld::type(bob, "quit");
    CHECK(contains(test::gmcp_of(test::take_telnet(g)), R"(Room.RemovePlayer "bob")"));
}

TEST_CASE("MUD clients: a room made or closed by a join is told to GMCP clients as the new channel list") {
    test::TestWorld t;
    auto& g = t.connect();
    g.receive(verb(do_, telnet_opt::gmcp));
    test::TestWorld::type(g, "login Gee");
    static_cast<void>(test::take_telnet(g));
    auto& bob = t.connect();
    test::TestWorld::type(bob, "login bob");
    test::TestWorld::type(bob, "join cellar");
    const std::string both =
        R"j(Comm.Channel.List [{"caption":"lobby (room)","command":"join lobby","name":"lobby"},)j"
        R"j({"caption":"cellar (room)","command":"join cellar","name":"cellar"},{"caption":"private messages")j";
    CHECK(any_starts_with(test::gmcp_of(test::take_telnet(g)), both));
    test::TestWorld::type(bob, "join lobby");  // the cellar empties and goes
    t.world.settle();
    CHECK(any_starts_with(test::gmcp_of(test::take_telnet(g)),
                          R"j(Comm.Channel.List [{"caption":"lobby (room)","command":"join lobby","name":"lobby"},)j"
                          R"j({"caption":"private messages")j"));
}

TEST_CASE("MUD clients: GMCP Core.Ping is answered, Core.Supports picks the packages, Core.Goodbye ends") {
    test::TestWorld t;
    auto& g = t.connect();
    g.receive(verb(do_, telnet_opt::gmcp));
    test::take_bytes(g);
    g.receive(gmcp("Core.Ping"));
    CHECK(test::gmcp_of(test::take_telnet(g)) == std::vector<std::string>{"Core.Ping"});
    g.receive(gmcp(R"(Core.Supports.Set ["Char 1", "Room 0"])"));
    CHECK(g.variant().gmcp_char);
    CHECK_FALSE(g.variant().gmcp_room);
    CHECK(g.variant().gmcp_comm);
    g.receive(gmcp(R"(Core.Supports.Remove ["Char"])"));
    CHECK_FALSE(g.variant().gmcp_char);
    g.receive(gmcp(R"(Core.Supports.Add ["Room 1"])"));
    CHECK(g.variant().gmcp_room);
    g.receive(gmcp("Core.Supports.Set not json at all"));  // lenient: nothing changes
    CHECK(g.variant().gmcp_room);
    test::take_bytes(g);
    test::TestWorld::type(g, "quit");
    CHECK(contains(test::gmcp_of(test::take_telnet(g)), R"(Core.Goodbye "logout")"));
}

TEST_CASE("MUD clients: GMCP JSON never holds a raw control character") {
    test::TestWorld t;
    auto& g = t.connect();
    g.receive(verb(do_, telnet_opt::gmcp));
    test::TestWorld::type(g, "login Gee");
    test::take_bytes(g);
    // Colour codes natter adds itself stay out of GMCP text.
    g.profile_for_update().settings.colour = ColourDepth::ansi16;
    g.update_variant();
    auto& bob = t.login("bob");
    test::take_bytes(g);
    test::TestWorld::type(bob, "say tab\there");
    for (const auto& message : test::gmcp_of(test::take_telnet(g))) {
        for (const char c : message) CHECK(static_cast<unsigned char>(c) >= 0x20);
        CHECK(message.find("\\t") != std::string::npos);
    }
}

TEST_CASE("MUD clients: Comm.Channel.Players lists everyone with their room") {
    test::TestWorld t;
    t.login("amy");
    auto& g = t.connect();
    g.receive(verb(do_, telnet_opt::gmcp));
    test::TestWorld::type(g, "login Gee");
    test::take_bytes(g);
    g.receive(gmcp("Comm.Channel.Players"));
    CHECK(test::gmcp_of(test::take_telnet(g)) ==
          std::vector<std::string>{R"(Comm.Channel.Players [{"channels":["lobby"],"name":"amy"},{"channels":["lobby"],"name":"Gee"}])"});
}

TEST_CASE("MUD clients: MSSP on DO MSSP carries the live numbers; MSSP-REQUEST gives the same as text") {
    auto config = test::test_config();
    config.mssp.hostname = "chat.example.org";
    config.mssp.contact = "ops@example.org";
    test::TestWorld t{config};
    t.world.set_telnet_ports({5005, 4000});
    t.login("amy");
    auto& s = t.connect();
    test::take_bytes(s);
    s.receive(verb(do_, telnet_opt::mssp));
    auto items = test::take_telnet(s);
    CHECK(test::has_verb(items, will, telnet_opt::mssp));
    const auto sent = test::subnegotiations_of(items, telnet_opt::mssp);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].starts_with("\x01NAME\x02TestChat\x01PLAYERS\x02" "1\x01UPTIME\x02"));
    CHECK(sent[0].find("\x01PORT\x02" "5005\x01PORT\x02" "4000") != std::string::npos);
    CHECK(sent[0].find("\x01HOSTNAME\x02" "chat.example.org") != std::string::npos);
    CHECK(sent[0].find("\x01GAMEPLAY\x02Social") != std::string::npos);
    test::TestWorld::type(s, "MSSP-REQUEST");
    const auto lines = test::take_lines(s);
    REQUIRE(lines.size() > 5);
    CHECK(lines.front() == "MSSP-REPLY-START");
    CHECK(lines[1] == "NAME\tTestChat");
    CHECK(lines[2] == "PLAYERS\t1");
    CHECK(lines.back() == "MSSP-REPLY-END");
    // A crawler is never a player.
    CHECK(t.world.users().size() == 1);
}

TEST_CASE("MUD clients: MXP is refused") {
    test::TestWorld t;
    auto& s = t.connect("127.0.0.1", ListenerKind::mud);
    test::take_bytes(s);
    s.receive(verb(do_, telnet_opt::mxp) + verb(will, telnet_opt::mxp));
    auto items = test::take_telnet(s);
    CHECK(test::has_verb(items, wont, telnet_opt::mxp));
    CHECK(test::has_verb(items, dont, telnet_opt::mxp));
}

TEST_CASE("MUD clients: colour for clients that do it, none for plain ones") {
    test::TestWorld t;
    auto& plain = t.login("plain");
    auto& colour = t.connect();
    colour.receive(verb(will, telnet_opt::ttype) + ttype_is("xterm"));
    test::TestWorld::type(colour, "login Hue");
    CHECK(colour.variant().colour == ColourDepth::ansi16);
    test::take_bytes(plain);
    test::take_bytes(colour);
    test::TestWorld::type(plain, "say hi");
    CHECK(test::take_bytes(plain) == "plain: hi\r\n");
    const auto coloured = test::take_bytes(colour);
    CHECK(coloured.find("\x1b[") != std::string::npos);
    CHECK(coloured.find("plain") != std::string::npos);
    CHECK(coloured.ends_with(": hi\r\n"));
    // Screen-reader mode takes it away again.
    colour.profile_for_update().settings.screen_reader = true;
    colour.update_variant();
    test::TestWorld::type(plain, "say again");
    CHECK(test::take_bytes(colour) == "plain: again\r\n");
}

TEST_CASE("MUD clients: a broadcast renders once per variant among its receivers, not per receiver") {
    test::TestWorld t;
    std::vector<Session*> people;
    for (int i = 0; i < 4; ++i) people.push_back(&t.login("plain" + std::to_string(i)));
    for (int i = 0; i < 2; ++i) {
        auto& c = t.connect();
        c.receive(verb(will, telnet_opt::ttype) + ttype_is("xterm"));
        test::TestWorld::type(c, "login colour" + std::to_string(i));
    }
    for (int i = 0; i < 2; ++i) {
        auto& g = t.connect();
        g.receive(verb(do_, telnet_opt::gmcp));
        test::TestWorld::type(g, "login gmcp" + std::to_string(i));
    }
    t.clear_all();
    const auto broadcasts = t.world.broadcasts();
    const auto renders = t.world.renders();
    test::TestWorld::type(*people[0], "say one line");
    CHECK(t.world.broadcasts() == broadcasts + 1);
    CHECK(t.world.renders() == renders + 3);  // plain, colour, GMCP: 8 receivers
}

TEST_CASE("MUD clients: MCCP2 starts after the TTYPE cycle, with the marker before the first compressed bytes") {
    auto config = test::test_config();
    config.telnet.mccp = true;
    test::TestWorld t{config};
    auto& s = t.connect();
    s.receive(verb(will, telnet_opt::ttype) + verb(do_, telnet_opt::mccp2));
    // Not yet: the TTYPE cycle is not over.
    CHECK_FALSE(s.profile()->mccp.active());
    s.receive(ttype_is("MTTS 0"));  // no colour: the text below is plain
    // What was queued before goes plain, in a write of its own.
    const std::string before = s.output();
    CHECK(before.find("Welcome to TestChat\r\n") != std::string::npos);
    s.output().clear();
    test::TestWorld::type(s, "login Zip");
    test::TestWorld::type(s, "look");
    std::string wire = s.output();
    REQUIRE(wire.starts_with("\xFF\xFA\x56\xFF\xF0"));
    wire.erase(0, 5);
    s.output().clear();
    z_stream z{};
    REQUIRE(inflateInit(&z) == Z_OK);
    std::string inflated(4096, '\0');
    z.next_in = reinterpret_cast<Bytef*>(wire.data());
    z.avail_in = static_cast<uInt>(wire.size());
    z.next_out = reinterpret_cast<Bytef*>(inflated.data());
    z.avail_out = static_cast<uInt>(inflated.size());
    CHECK(inflate(&z, Z_SYNC_FLUSH) == Z_OK);
    inflated.resize(inflated.size() - z.avail_out);
    CHECK(inflated == "The following are in this room:\r\nZip\r\n");
    // DONT MCCP2 ends the stream; plain text only after it, in a later write.
    s.receive(verb(dont, telnet_opt::mccp2));
    std::string end = s.output();
    z.next_in = reinterpret_cast<Bytef*>(end.data());
    z.avail_in = static_cast<uInt>(end.size());
    std::string tail(4096, '\0');
    z.next_out = reinterpret_cast<Bytef*>(tail.data());
    z.avail_out = static_cast<uInt>(tail.size());
    CHECK(inflate(&z, Z_SYNC_FLUSH) == Z_STREAM_END);
    inflateEnd(&z);
    tail.resize(tail.size() - z.avail_out);
    CHECK(tail.find(verb(wont, telnet_opt::mccp2)) != std::string::npos);  // the WONT went inside, then the end
    s.output().clear();
    test::TestWorld::type(s, "say plain again");
    CHECK(s.output() == "Zip: plain again\r\n");
}

TEST_CASE("MUD clients: a compressed stream ends with Z_FINISH before the connection closes") {
    auto config = test::test_config();
    config.telnet.mccp = true;
    test::TestWorld t{config};
    auto& s = t.connect();
    s.receive(verb(do_, telnet_opt::mccp2));  // no TTYPE asked: nothing to wait for
    std::string wire = s.output();  // the plain bytes before the start
    s.output().clear();
    test::TestWorld::type(s, "login Zip");
    test::TestWorld::type(s, "look");
    test::TestWorld::type(s, "quit");
    wire = s.output();
    REQUIRE(wire.starts_with("\xFF\xFA\x56\xFF\xF0"));
    wire.erase(0, 5);
    z_stream z{};
    REQUIRE(inflateInit(&z) == Z_OK);
    std::string inflated(4096, '\0');
    z.next_in = reinterpret_cast<Bytef*>(wire.data());
    z.avail_in = static_cast<uInt>(wire.size());
    z.next_out = reinterpret_cast<Bytef*>(inflated.data());
    z.avail_out = static_cast<uInt>(inflated.size());
    // The whole stream, start to end, in what was left to send.
    CHECK(inflate(&z, Z_FINISH) == Z_STREAM_END);
    CHECK(z.avail_in == 0);
    inflateEnd(&z);
    inflated.resize(inflated.size() - z.avail_out);
    CHECK(inflated == "The following are in this room:\r\nZip\r\n");
    CHECK_FALSE(s.profile()->mccp.active());
}

TEST_CASE("MUD clients: IAC NOP keeps a silent MUD client's connection alive, never nc's") {
    auto config = test::test_config();
    config.telnet.keepalive_s = 30;
    config.limits.idle_timeout_s = 0;
    test::TestWorld t{config};
    World::Clock::time_point now{std::chrono::hours{1}};
    t.world.set_clock([&] { return now; });
    auto& mud = t.connect();
    mud.receive(verb(will, telnet_opt::naws));
    test::TestWorld::type(mud, "login Mud");
    auto& nc = t.login("nc");
    t.clear_all();
    const std::string nop = bytes({iac, 241});
    now += std::chrono::seconds{29};
    t.world.enforce_timeouts();
    CHECK(test::take_bytes(mud).empty());
    now += std::chrono::seconds{1};
    t.world.enforce_timeouts();
    CHECK(test::take_bytes(mud) == nop);
    t.world.enforce_timeouts();  // not again at once
    CHECK(test::take_bytes(mud).empty());
    now += std::chrono::seconds{30};
    t.world.enforce_timeouts();
    CHECK(test::take_bytes(mud) == nop);
    CHECK(test::take_bytes(nc).empty());
    // Input resets the clock.
    test::TestWorld::type(mud, "look");
    test::take_bytes(mud);
    now += std::chrono::seconds{20};
    t.world.enforce_timeouts();
    CHECK(test::take_bytes(mud).empty());
}

}  // namespace natter
