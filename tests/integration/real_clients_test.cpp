// The programs people really use: netcat-openbsd (`nc`, bare LF line ends)
// and netkit `telnet`, driven through pipes, chatting with a TcpClient.
// ChildProcess kills and reaps them on every path.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/chat_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/printable.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

namespace {

// Reads the program's stdout until `expected`; on failure shows what came.
void expect_output(ChildProcess& program, const std::string& expected) {
    std::vector<std::string> skipped;
    const auto line = program.read_until([&](std::string_view l) { return l == expected; },
                                         default_timeout, &skipped);
    std::string seen;
    for (const auto& l : skipped) seen += printable(l) + "\n";
    CAPTURE(seen);
    CAPTURE(program.stderr_text());
    CHECK_MESSAGE(line, "the program never printed \"" << expected << '"');
}

// How a program ends once the server has closed the connection.
enum class Ending {
    by_itself,      // telnet: "Connection closed by foreign host."
    at_stdin_eof,   // nc keeps running while its stdin is open
};

// The shared conversation: `program` is already connected and welcomed.
void chat_with_tcp_client(ChildProcess& program, std::string_view name, TcpClient& tcp,
                          Ending ending) {
    REQUIRE(program.write_stdin("login " + std::string{name} + "\n"));
    CHECK(tcp.expect_line(std::string{name} + " has entered the room."));

    REQUIRE(program.write_stdin("say hello from " + std::string{name} + "\n"));
    CHECK(tcp.expect_line(std::string{name} + ": hello from " + std::string{name}));
    expect_output(program, std::string{name} + ": hello from " + std::string{name});

    REQUIRE(tcp.send_line("say hello back"));
    CHECK(tcp.expect_line("tcp: hello back"));
    expect_output(program, "tcp: hello back");

    REQUIRE(program.write_stdin("logout\n"));
    CHECK(tcp.expect_line(std::string{name} + " has left the room."));
    if (ending == Ending::at_stdin_eof) program.close_stdin();
    CHECK(program.wait_exit(Millis{5000}) != no_exit_status);
}

}  // namespace

TEST_CASE("Real clients: nc logs in, chats with a TCP client and logs out") {
    ServerProcess server;
    TcpClient tcp = login_client(server.port(), "tcp");
    ChildProcess nc{{"nc", "127.0.0.1", std::to_string(server.port())}};
    expect_output(nc, "Welcome to TestChat");
    chat_with_tcp_client(nc, "ncuser", tcp, Ending::at_stdin_eof);
}

TEST_CASE("Real clients: telnet logs in, chats with a TCP client and logs out") {
    ServerProcess server;
    TcpClient tcp = login_client(server.port(), "tcp");
    ChildProcess telnet{{"telnet", "127.0.0.1", std::to_string(server.port())}};
    // telnet prints "Trying …", "Connected to …" and "Escape character is
    // '^]'." first; read_until passes over them.
    expect_output(telnet, "Welcome to TestChat");
    chat_with_tcp_client(telnet, "teluser", tcp, Ending::by_itself);
}
