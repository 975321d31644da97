// Hot restart over TCP against the real natterd (SPEC §11): `reboot` and
// SIGUSR2 replace the process with the binary on disk while telnet, MUD and
// web clients stay connected with their names, rooms, ignore lists, client
// profiles, half-typed lines and history; TLS clients are told and closed;
// lines typed meanwhile arrive after it; a password prompt is asked again.
// And the ways it can fail: the binary gone, one that reads another state
// version or fails its check (the old process carries on), and a new
// process that dies after the exec (a fresh start then works).
#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/chat_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/mud_peer.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tls_client.hpp"
#include "tests/support/ws_client.hpp"

using namespace natter::test;
using namespace std::chrono_literals;
using Json = nlohmann::json;

namespace {

constexpr Millis slow{15000};  // password hashing and the restart itself, under sanitizers too
constexpr unsigned char will = 251, wont = 252, do_ = 253, opt_ttype = 24, opt_naws = 31, opt_mccp2 = 86,
                        opt_gmcp = 201;

bool contains(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }
auto is(std::string_view wanted) {
    return [wanted = std::string{wanted}](std::string_view line) { return line == wanted; };
}
auto has(std::string_view wanted) {
    return [wanted = std::string{wanted}](std::string_view line) { return contains(line, wanted); };
}

const std::string restarting = "*** The server is restarting…";
const std::string complete = "*** Restart complete.";

std::string naws(int width, int height) {
    return telnet_sb(opt_naws, std::string{static_cast<char>(width >> 8), static_cast<char>(width & 255),
                                           static_cast<char>(height >> 8), static_cast<char>(height & 255)});
}

// A self-signed pair made by natterd itself.
struct Certificate {
    TempDir dir;
    std::filesystem::path cert = dir.path() / "cert.pem";
    std::filesystem::path key = dir.path() / "key.pem";
    Certificate() {
        ChildProcess maker{{natterd_path(), "--make-test-cert", dir.path().string()}};
        REQUIRE(maker.wait_exit(10s) == 0);
    }
};

ServerOptions with_operator(std::string extra_tables = {}) {
    ServerOptions options;
    options.extra_tables = "[operators]\nnames = [\"root\"]\n" + extra_tables;
    return options;
}

// A guest `name` registers with `password`; returns once registered.
TcpClient registered(std::uint16_t port, std::string_view name, std::string_view password) {
    TcpClient client{port};
    REQUIRE(client.read_until(is("Welcome to TestChat")));
    log_in(client, name);
    REQUIRE(client.send_line("register"));
    REQUIRE(client.read_until(has("Choose a password:")));
    REQUIRE(client.send_line(password));
    REQUIRE(client.read_until(is("Type the password again:")));
    REQUIRE(client.send_line(password));
    REQUIRE(client.read_until(has("is now registered"), slow));
    return client;
}

std::optional<Json> expect_event(WsClient& client, std::string_view type, std::string_view text = {},
                                 Millis timeout = default_timeout) {
    std::optional<Json> found;
    client.read_text_until(
        [&](std::string_view message) {
            auto event = Json::parse(message, nullptr, false);
            if (event.is_discarded() || event.value("type", "") != type) return false;
            if (!text.empty() && event.value("text", "") != text) return false;
            found = std::move(event);
            return true;
        },
        timeout);
    return found;
}

// A copy of natterd in a directory of the test's own, so the test can take
// the binary away or put something else in its place.
struct BinaryCopy {
    TempDir dir;
    std::filesystem::path path = dir.path() / "natterd";
    BinaryCopy() { std::filesystem::copy_file(natterd_path(), path); }
    // Replaces the binary with a shell script.
    void replace_with_script(const std::string& body) const {
        std::filesystem::remove(path);
        std::ofstream{path} << "#!/bin/sh\n" << body << "\n";
        std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    }
};

}  // namespace

TEST_CASE("Hot restart: reboot keeps telnet, MUD and web clients with their state; TLS ones are told and closed") {
    Certificate certificate;
    ServerOptions options = with_operator(
        "[[listeners]]\nport = 0\nkind = \"mud\"\n"
        "[[listeners]]\nport = 0\nkind = \"web\"\n"
        "[[listeners]]\nport = 0\nkind = \"telnet\"\ntls = true\n"
        "[telnet]\nmccp = true\n"
        "[tls]\ncert = \"" + certificate.cert.string() + "\"\nkey = \"" + certificate.key.string() + "\"\n");
    ServerProcess server{options};
    const auto pid = server.pid();

    TcpClient root = registered(server.port(), "root", "operator password");
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient bob = login_client(server.port(), "bob");
    REQUIRE(bob.send_line("ignore alice"));
    REQUIRE(bob.send_line("join den"));
    REQUIRE(bob.read_until(has("den")));

    // A MUD client with NAWS, GMCP and MCCP2.
    MudPeer mud{server.listener_port("mud")};
    REQUIRE(mud.expect_line(is("Welcome to TestChat")));
    REQUIRE(mud.expect_verb(will, opt_mccp2));  // the offer at connect
    REQUIRE(mud.send(telnet_verb(wont, opt_ttype) + telnet_verb(will, opt_naws) + naws(100, 40) + telnet_verb(do_, opt_gmcp) +
                     telnet_sb(opt_gmcp, R"(Core.Supports.Set [ "Comm 1", "Room 1" ])") + telnet_verb(do_, opt_mccp2)));
    REQUIRE(mud.send_line("login Mudder"));
    REQUIRE(mud.expect_gmcp("Room.Info"));
    REQUIRE(mud.send_line("client"));
    REQUIRE(mud.expect_line(is("  window:        100 x 40 (NAWS)")));
    CHECK(mud.compressed());

    WsClient web{server.listener_port("web")};
    REQUIRE(web.upgrade() == 101);
    REQUIRE(web.send_text("login Webby"));
    REQUIRE(expect_event(web, "signed_in"));

    TlsClient tilly{server.listener_port("telnet+tls")};
    REQUIRE_MESSAGE(tilly.handshake(), tilly.error());
    REQUIRE(tilly.expect_line("Welcome to TestChat"));
    REQUIRE(tilly.send_line("login Tilly"));
    REQUIRE(tilly.send_line("look"));
    REQUIRE(tilly.read_until(is("Tilly")));

    REQUIRE(alice.send_line("say before the restart"));
    REQUIRE(root.read_until(is("alice: before the restart")));
    REQUIRE(root.send_line("tell bob psst"));
    REQUIRE(bob.read_until(has("psst")));
    // Alice is half way through a line.
    REQUIRE(alice.send("say half"));

    REQUIRE(root.send_line("reboot upgrade test"));
    for (TcpClient* client : {&root, &alice, &bob}) CHECK(client->read_until(is(restarting), slow));
    CHECK(root.read_until(is("*** Restart: upgrade test")));
    // Typed while the restart runs: it waits in the kernel and comes after.
    REQUIRE(bob.send_line("say typed during the restart"));
    CHECK(mud.expect_line(is(restarting), slow));
    CHECK(expect_event(web, "notice", restarting, slow));
    CHECK(tilly.read_until(has("Encrypted connections cannot be kept across a restart"), slow));
    CHECK(tilly.wait_closed(slow));

    for (TcpClient* client : {&root, &alice, &bob}) CHECK(client->read_until(is(complete), slow));
    CHECK(mud.expect_line(is(complete), slow));
    CHECK(expect_event(web, "notice", complete, slow));
    CHECK(server.pid() == pid);
    CHECK(server.wait_for_log("restart complete: 5 connections kept"));

    // Bob's line typed during the restart, in his room.
    CHECK(bob.read_until(is("bob: typed during the restart")));
    // Alice finishes her line; bob, who ignores her, and is elsewhere, does not see it.
    REQUIRE(alice.send_line(" done"));
    CHECK(root.read_until(is("alice: half done")));
    CHECK(mud.expect_line(is("alice: half done")));
    CHECK(expect_event(web, "say", "alice: half done"));

    // Everyone is still there, by name, in their rooms, and the operator is one.
    REQUIRE(root.send_line("who"));
    REQUIRE(root.read_until(is("The following are logged in:")));
    for (const char* name : {"root", "alice", "bob", "Mudder", "Webby"}) {
        CHECK(root.read_until([&](std::string_view l) { return names_user(l, name); }));
    }
    REQUIRE(bob.send_line("look"));
    REQUIRE(bob.read_until(is("The following are in this room:")));
    CHECK(bob.expect_line("bob"));
    REQUIRE(bob.send_line("reply back to you"));
    CHECK(root.read_until(has("back to you")));
    REQUIRE(alice.send_line("history"));
    CHECK(alice.read_until(has("alice: before the restart")));
    REQUIRE(root.send_line("announce still here"));
    CHECK(alice.read_until(has("still here")));

    // The MUD client: its window kept, GMCP kept, MCCP2 offered again.
    REQUIRE(mud.send_line("client"));
    CHECK(mud.expect_line(is("  window:        100 x 40 (NAWS)")));
    CHECK(mud.stream_ended());
    CHECK(mud.expect_verb(will, opt_mccp2));
    REQUIRE(mud.send(telnet_verb(do_, opt_mccp2)));
    REQUIRE(alice.send_line("say compressed again"));
    CHECK(mud.expect_gmcp("Comm.Channel.Text"));
    CHECK(mud.expect_line(is("alice: compressed again")));
    CHECK(mud.compressed());

    // The web client talks on.
    REQUIRE(web.send_text("say from the web"));
    CHECK(alice.read_until(is("Webby: from the web")));

    // A newcomer is served by the new process.
    TcpClient late = login_client(server.port(), "late");
    REQUIRE(late.send_line("say hello"));
    CHECK(alice.read_until(is("late: hello")));
}

TEST_CASE("Hot restart: SIGUSR2 restarts; a connection made meanwhile is greeted; a password prompt is asked again") {
    ServerProcess server{with_operator()};
    { TcpClient eve = registered(server.port(), "eve", "eve password"); }
    TcpClient alice = login_client(server.port(), "alice");
    TcpClient eve{server.port()};
    REQUIRE(eve.read_until(is("Welcome to TestChat")));
    REQUIRE(eve.send_line("login eve"));
    REQUIRE(eve.read_until(has("Password:")));

    server.signal(SIGUSR2);
    CHECK(alice.read_until(is(restarting), slow));
    TcpClient newcomer{server.port()};  // during the restart: waits in the backlog, or is carried over
    CHECK(alice.read_until(is(complete), slow));
    CHECK(newcomer.read_until(is("Welcome to TestChat"), slow));
    log_in(newcomer, "newcomer");

    // The prompt again, after the notice; the password then works.
    CHECK(eve.read_until(is(complete), slow));
    CHECK(eve.read_until(has("Password:"), slow));
    REQUIRE(eve.send_line("eve password"));
    REQUIRE(eve.send_line("look"));
    CHECK(eve.read_until(is("eve"), slow));
    REQUIRE(alice.send_line("say hi eve"));
    CHECK(eve.read_until(is("alice: hi eve")));
}

TEST_CASE("Hot restart: with the binary gone, or one that reads another state version, everyone carries on") {
    BinaryCopy binary;
    ServerOptions options = with_operator();
    options.binary = binary.path;
    ServerProcess server{options};
    TcpClient root = registered(server.port(), "root", "operator password");
    TcpClient alice = login_client(server.port(), "alice");

    SUBCASE("missing") {
        std::filesystem::remove(binary.path);
        REQUIRE(root.send_line("reboot"));
        CHECK(root.read_until(has("Restart failed: cannot run"), slow));
    }
    SUBCASE("another state version") {
        binary.replace_with_script("echo 'restart state version 2'");
        REQUIRE(root.send_line("reboot"));
        CHECK(root.read_until(is("Restart failed: the new binary reads restart state version 2; this one writes 1"),
                              slow));
    }
    SUBCASE("a failing check") {
        binary.replace_with_script("echo 'bad config' >&2; exit 2");
        REQUIRE(root.send_line("reboot"));
        CHECK(root.read_until(is("Restart failed: the new binary failed its check (exit 2): bad config"), slow));
    }
    // No one was told of a restart, and the chat goes on in the same process.
    REQUIRE(alice.send_line("say still the old one"));
    CHECK(root.read_until(is("alice: still the old one")));
    for (const auto& line : alice.skipped_lines()) CHECK_FALSE(contains(line, "restarting"));
    CHECK_FALSE(contains(server.stdout_text(), "restart complete"));
}

TEST_CASE("Hot restart: a new process that dies after the exec drops the connections; a fresh start works") {
    TempDir state_dir;  // where the state file is left, not the shared /tmp
    ::setenv("TMPDIR", state_dir.path().c_str(), 1);
    BinaryCopy binary;
    ServerOptions options = with_operator();
    options.binary = binary.path;
    ServerProcess server{options};
    {
        TcpClient root = registered(server.port(), "root", "operator password");
        TcpClient alice = login_client(server.port(), "alice");
        // The check passes (the real binary answers it); the exec then dies.
        binary.replace_with_script("case \"$*\" in *--restore*) kill -9 $$ ;; esac\nexec " + natterd_path() +
                                   " \"$@\"");
        REQUIRE(root.send_line("reboot"));
        CHECK(alice.read_until(is(restarting), slow));
        CHECK(alice.wait_closed(slow));
        CHECK(root.wait_closed(slow));
        CHECK(server.wait_exit(slow) != 0);
    }
    ::unsetenv("TMPDIR");
    // The state it left behind is not read by a fresh start.
    bool left = false;
    for (const auto& entry : std::filesystem::directory_iterator{state_dir.path()}) {
        left = left || entry.path().filename().string().starts_with("natterd-restart-");
    }
    CHECK(left);
    // A fresh start from the same configuration and database, as a supervisor would.
    RestartedServer again{server.config_path()};
    TcpClient alice = login_client(again.port(), "alice");
    REQUIRE(alice.send_line("say fresh"));
    CHECK(alice.read_until(is("alice: fresh")));
}
