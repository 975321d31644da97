// The core's side of a hot restart, without sockets: a world and its
// sessions saved (World::snapshot_into, Session::snapshot), written and read
// back as text, and rebuilt in a fresh World on the same account database
// carry on as they were — names, rooms, ignore lists, reply targets,
// half-typed lines, client profiles and telnet state, history and topics —
// with no one told of an arrival, a password flow asked again and no
// password in the state.
#include <doctest/doctest.h>

#include <list>
#include <memory>
#include <string>

#include "rooms/chat_room.hpp"
#include "src/restart_state.hpp"
#include "tests/unit/account_fixture.hpp"

using namespace natter;
using namespace natter::test;

namespace {

constexpr unsigned char iac = 255, will = 251, do_ = 253, sb = 250, se = 240, opt_naws = 31, opt_mccp2 = 86;

std::string bytes(std::initializer_list<unsigned char> list) { return {list.begin(), list.end()}; }

// What the old process would save of `world` and `sessions` (in this order).
RestartState save(World& world, const std::vector<Session*>& sessions) {
    RestartState state;
    world.snapshot_into(state);
    state.listeners.push_back({.fd = 3, .kind = ListenerKind::telnet, .tls = false, .host = "127.0.0.1",
                               .configured_port = 0, .port = 4000});
    int fd = 10;
    for (auto* session : sessions) {
        session->prepare_restart();
        state.connections.push_back(
            {.fd = fd++, .listener = 0, .fresh = false, .web = {}, .session = session->snapshot()});
    }
    return state;
}

// The new process: the same database, the state read back from its text.
struct Restored {
    Restored(const AccountFixture& before, const RestartState& saved, Config config = test_config())
        : text{write_restart_state(saved)}, after{std::move(config), before.path} {
        auto read = read_restart_state(text);
        REQUIRE_MESSAGE(read.has_value(), (read ? "" : read.error().message));
        state = std::move(*read);
        after.t.world.restore_from(state);
        for (const auto& connection : state.connections) {
            const auto& saved_session = *connection.session;
            auto& session = *sessions.emplace_back(
                std::make_unique<Session>(after.t.world, saved_session.address, saved_session.kind));
            session.restore(saved_session);
        }
        for (auto& session : sessions) session->resume_after_restart();
    }

    Session& operator[](std::size_t i) { return **std::next(sessions.begin(), static_cast<std::ptrdiff_t>(i)); }

    std::string text;
    RestartState state;
    AccountFixture after;
    std::list<std::unique_ptr<Session>> sessions;  // after `after`: they go first
};

}  // namespace

TEST_CASE("Hot restart: names, rooms, ignore lists, reply targets and who's order cross; no one hears an arrival") {
    AccountFixture before;
    auto& ann = before.t.login("Ann");
    auto& bob = before.t.login("Bob");
    auto& cid = before.t.login("Cid");
    TestWorld::type(bob, "ignore Ann");
    TestWorld::type(cid, "join den");
    TestWorld::type(cid, "tell Bob psst");
    TestWorld::type(ann, "say before");
    ann.receive("say hal");  // half a line
    before.t.clear_all();

    Restored r{before, save(before.t.world, {&ann, &bob, &cid})};
    auto& ann2 = r[0];
    auto& bob2 = r[1];
    auto& cid2 = r[2];
    CHECK(ann2.name() == "Ann");
    CHECK(bob2.room()->name() == "lobby");
    CHECK(cid2.room()->name() == "den");
    CHECK(bob2.ignores_name("Ann"));
    CHECK(bob2.reply_to() == "Cid");
    // Nobody was told anything by the restore itself.
    for (auto* s : {&ann2, &bob2, &cid2}) CHECK(take_lines(*s).empty());

    // The half line completes; Bob ignores Ann, Cid is elsewhere.
    ann2.receive("lo\r\n");
    CHECK(has_line(take_lines(ann2), "Ann: hallo"));
    CHECK(take_lines(bob2).empty());
    CHECK(take_lines(cid2).empty());

    TestWorld::type(ann2, "who");
    const auto who = take_lines(ann2);
    CAPTURE(who);
    REQUIRE_FALSE(who.empty());
    CHECK(listed_names(who) == std::vector<std::string>{"Ann", "Bob", "Cid"});
    TestWorld::type(bob2, "reply back");
    CHECK_FALSE(take_lines(cid2).empty());
}

TEST_CASE("Hot restart: history, topics and created rooms cross") {
    AccountFixture before;
    auto& ann = before.t.login("Ann");
    TestWorld::type(ann, "join den");
    TestWorld::type(ann, "topic secrets");
    TestWorld::type(ann, "say one");
    TestWorld::type(ann, "me waves");
    before.t.clear_all();

    Restored r{before, save(before.t.world, {&ann})};
    auto* den = r.after.t.world.find_room("den");
    REQUIRE(den != nullptr);
    CHECK(as_chat_room(*den).topic().text == "secrets");
    TestWorld::type(r[0], "history");
    const auto lines = take_lines(r[0]);
    CAPTURE(lines);
    bool said = false;
    bool waved = false;
    for (const auto& line : lines) {
        said = said || line.ends_with("Ann: one");
        waved = waved || line.ends_with("Ann waves");
    }
    CHECK(said);
    CHECK(waved);
}

TEST_CASE("Hot restart: a password check in flight is asked again, and the password is not in the state") {
    AccountFixture before;
    before.add_account("Eve", "a long secret password");
    auto& eve = before.t.connect();
    TestWorld::type(eve, "login Eve");
    TestWorld::type(eve, "a long secret password");  // the check is queued, not run
    before.t.clear_all();

    Restored r{before, save(before.t.world, {&eve})};
    CHECK(r.text.find("a long secret password") == std::string::npos);
    auto& eve2 = r[0];
    CHECK(eve2.name().empty());
    CHECK(has_line(take_lines(eve2), "Password:"));
    TestWorld::type(eve2, "a long secret password");
    r.after.background.run_jobs();
    CHECK(eve2.authenticated());
    CHECK(r.after.t.world.find_user("Eve") == &eve2);
}

TEST_CASE("Hot restart: a MUD client's window and telnet options cross; MCCP2 ends before and is offered after") {
    Config config = test_config();
    config.telnet.mccp = true;
    AccountFixture before{config};
    // A client that offers what it has on a telnet port: NAWS 90 x 30, and MCCP2.
    auto& mud = before.t.connect();
    mud.receive(bytes({iac, will, opt_naws, iac, sb, opt_naws, 0, 90, 0, 30, iac, se, iac, do_, opt_mccp2}));
    mud.output().clear();  // the plain bytes before the stream
    TestWorld::type(mud, "login Mudder");
    TestWorld::type(mud, "look");
    static_cast<void>(mud.output());  // the network layer's flush starts the stream
    REQUIRE(mud.profile() != nullptr);
    REQUIRE(mud.profile()->mccp.active());
    before.t.clear_all();

    auto state = save(before.t.world, {&mud});
    // The end of the compressed stream waits to be sent, then plain bytes.
    CHECK_FALSE(state.connections[0].session->outbox.empty());
    CHECK_FALSE(mud.profile()->mccp.active());

    Restored r{before, state, config};
    auto& mud2 = r[0];
    REQUIRE(mud2.profile() != nullptr);
    CHECK(mud2.profile()->width == 90);
    CHECK(mud2.profile()->height == 30);
    // MCCP2 offered again; NAWS still on (a second WILL NAWS gets no answer).
    const auto out = take_bytes(mud2);
    CHECK(out.find(bytes({iac, will, opt_mccp2})) != std::string::npos);
    mud2.receive(bytes({iac, will, opt_naws}));
    CHECK(take_bytes(mud2).find(bytes({iac, do_, opt_naws})) == std::string::npos);
}
