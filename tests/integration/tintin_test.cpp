// A real MUD client: tintin++ (Debian's tintin++, /usr/games/tt++), headless
// inside tmux with a fixed 120x40 window (it needs a terminal), scripted to
// answer GMCP and MSSP and to log what arrives. It must learn natter's
// options as it does any MUD's: NAWS from the pane size reaches natter and
// wraps, TTYPE/MTTS is read, CHARSET accepted, MCCP2 inflated, a say
// arrives as GMCP Comm.Channel.Text, MSSP variables arrive. The tmux server
// is stopped by its PID on every path.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/support/chat_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace natter::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* tintin = "/usr/games/tt++";

// Runs a tmux command on our own socket and returns its output.
std::string tmux(const std::string& socket, std::vector<std::string> args) {
    std::vector<std::string> argv{"tmux", "-L", socket};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess child{argv};
    REQUIRE(child.wait_exit(Millis{5000}) == 0);
    return child.stdout_text();
}

// One tmux server with one session running `command` in a 120x40 pane.
class TmuxPane {
public:
    TmuxPane(std::string socket, const std::string& command) : socket_{std::move(socket)} {
        tmux(socket_, {"new-session", "-d", "-x", "120", "-y", "40", command});
        const auto pid = tmux(socket_, {"display-message", "-p", "#{pid}"});
        pid_ = static_cast<pid_t>(std::stol(pid));
    }
    ~TmuxPane() {
        if (pid_ > 0) ::kill(pid_, SIGKILL);
    }
    TmuxPane(const TmuxPane&) = delete;
    TmuxPane& operator=(const TmuxPane&) = delete;

    void type(const std::string& keys) {
        tmux(socket_, {"send-keys", "-l", keys});
        tmux(socket_, {"send-keys", "Enter"});
    }
    // The pane and its scrollback.
    std::string screen() { return tmux(socket_, {"capture-pane", "-p", "-J", "-S", "-200"}); }
    // Waits (bounded) until the pane shows `needle`.
    bool wait_for(const std::string& needle, Millis timeout = Millis{8000}) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (screen().find(needle) != std::string::npos) return true;
            std::this_thread::sleep_for(100ms);
        }
        return false;
    }

private:
    std::string socket_;
    pid_t pid_ = -1;
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in{path};
    return {std::istreambuf_iterator<char>{in}, {}};
}

bool wait_for_file_text(const std::filesystem::path& path, const std::string& needle, Millis timeout = Millis{8000}) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (read_file(path).find(needle) != std::string::npos) return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

}  // namespace

TEST_CASE("tintin++: negotiates NAWS, TTYPE/MTTS, CHARSET, MCCP2, GMCP and MSSP with natter and chats") {
    REQUIRE_MESSAGE(std::filesystem::exists(tintin), "tintin++ is not installed (scripts/setup --test installs it)");
    ServerProcess server{{.extra_tables = "[[listeners]]\nport = 0\nkind = \"mud\"\n[telnet]\nmccp = true\n"}};
    const auto port = server.listener_port("mud");
    REQUIRE(port != 0);
    const auto dir = server.dir().path();
    const auto gmcp_log = dir / "gmcp.log";
    const auto mssp_log = dir / "mssp.log";
    // tintin++ answers WILL GMCP with DONT and WILL MSSP not at all unless
    // a script says otherwise; this one does, and logs what arrives.
    std::ofstream{dir / "probe.tin"}
        << "#config {debug telnet} {on}\n"
        << "#event {IAC WILL GMCP} {#send {\\xFF\\xFD\\xC9\\};#send {\\xFF\\xFA\\xC9Core.Hello "
           "{\"client\":\"tintin++\",\"version\":\"2.02.20\"}\\xFF\\xF0\\}}\n"
        << "#event {IAC WILL MSSP} {#send {\\xFF\\xFD\\x46\\}}\n"
        << "#event {IAC SB GMCP} {#line log " << gmcp_log.string() << " {GMCP mod=%0 json=%1}}\n"
        << "#event {IAC SB MSSP} {#line log " << mssp_log.string() << " {MSSP %0=%1}}\n"
        << "#session probe 127.0.0.1 " << port << "\n";
    TmuxPane pane{"natter-tt-" + std::to_string(::getpid()),
                  "TERM=xterm-256color " + std::string{tintin} + " -G " + (dir / "probe.tin").string()};
    REQUIRE(pane.wait_for("Welcome to TestChat"));
    REQUIRE(pane.wait_for("SENT IAC SB TTYPE MTTS 271"));
    pane.type("login Tin");
    REQUIRE(server.wait_for_log("login 127.0.0.1 Tin", Millis{5000}));
    pane.type("client");
    CHECK(pane.wait_for("window:        120 x 40 (NAWS)"));
    auto screen = pane.screen();
    CAPTURE(screen);
    CHECK(screen.find("TINTIN++, xterm-256color (MTTS 271") != std::string::npos);
    CHECK(screen.find("charset:       UTF-8 (agreed)") != std::string::npos);
    CHECK(screen.find("wrap:          at 119 columns") != std::string::npos);
    CHECK(screen.find("client:        tintin++ 2.02.20") != std::string::npos);
    CHECK(screen.find("MCCP2 INITIALIZED") != std::string::npos);  // tintin++ inflates what follows
    CHECK(screen.find("protocols:     NAWS TTYPE CHARSET EOR GMCP MCCP2 MSSP") != std::string::npos);

    // A say from a plain client: wrapped to the pane, and as GMCP.
    auto plain = login_client(server.port(), "Plainer");
    std::string words;
    for (int i = 0; i < 40; ++i) words += "word" + std::to_string(i) + " ";
    REQUIRE(plain.send_line("say " + words));
    CHECK(wait_for_file_text(gmcp_log, "GMCP mod=Comm.Channel.Text"));
    CHECK(read_file(gmcp_log).find("{talker}{Plainer}") != std::string::npos);
    CHECK(pane.wait_for("  word"));  // a continuation line, indented
    screen = pane.screen();
    for (std::size_t start = 0, end = 0; (end = screen.find('\n', start)) != std::string::npos; start = end + 1) {
        if (screen.substr(start, end - start).find("word") != std::string::npos) CHECK(end - start < 120);
    }
    CHECK(read_file(gmcp_log).find("GMCP mod=Room.AddPlayer") != std::string::npos);

    // MSSP, asked for by the script.
    CHECK(wait_for_file_text(mssp_log, "MSSP NAME=TestChat"));
    CHECK(read_file(mssp_log).find("MSSP PORT=" + std::to_string(port)) != std::string::npos);

    // And tintin++'s own say reaches the plain client as the classic string.
    pane.type("say hello from tintin");
    CHECK(plain.read_until([](std::string_view l) { return l == "Tin: hello from tintin"; }, 5000ms));
}

TEST_CASE("tintin++: #ssl to a mud listener with TLS, and chats") {
    REQUIRE_MESSAGE(std::filesystem::exists(tintin), "tintin++ is not installed (scripts/setup --test installs it)");
    TempDir certs;
    ChildProcess maker{{natterd_path(), "--make-test-cert", certs.path().string()}};
    REQUIRE(maker.wait_exit(Millis{10000}) == 0);
    ServerProcess server{{.extra_tables = "[[listeners]]\nport = 0\nkind = \"mud\"\ntls = true\n[tls]\ncert = \"" +
                                          (certs.path() / "cert.pem").string() + "\"\nkey = \"" +
                                          (certs.path() / "key.pem").string() + "\"\n"}};
    const auto port = server.listener_port("mud+tls");
    REQUIRE(port != 0);
    const auto dir = server.dir().path();
    // tintin++ keeps the certificates it has seen under $HOME/.tintin: a
    // fresh home, so this one is new to it.
    std::ofstream{dir / "secure.tin"} << "#ssl secure 127.0.0.1 " << port << "\n";
    TmuxPane pane{"natter-tts-" + std::to_string(::getpid()),
                  "HOME=" + dir.string() + " TERM=xterm-256color " + std::string{tintin} + " -G " +
                      (dir / "secure.tin").string()};
    REQUIRE(pane.wait_for("Welcome to TestChat"));
    CHECK(server.wait_for_log("connect 127.0.0.1 (tls)"));
    pane.type("login Tin");
    REQUIRE(server.wait_for_log("login 127.0.0.1 Tin", Millis{5000}));
    auto plain = login_client(server.port(), "Plainer");
    REQUIRE(plain.send_line("say to the secure side"));
    CHECK(pane.wait_for("Plainer: to the secure side"));
    pane.type("say hello over tls");
    CHECK(plain.read_until([](std::string_view l) { return l == "Tin: hello over tls"; }, 5000ms));
}
