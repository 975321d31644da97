#include "tests/support/chat_client.hpp"

#include <stdexcept>
#include <string>

#include "tests/support/printable.hpp"

namespace natter::test {
namespace {

[[noreturn]] void fail(std::string_view name, const std::string& what, const TcpClient& client) {
    std::string message = "login of " + std::string{name} + ": " + what;
    for (const auto& line : client.skipped_lines()) message += "\n  skipped: " + printable(line);
    throw std::runtime_error(message);
}

}  // namespace

void log_in(TcpClient& client, std::string_view name) {
    if (!client.send_line("login " + std::string{name}) || !client.send_line("look")) {
        fail(name, "cannot send", client);
    }
    // The login is done when our own look lists us (first on our line, a
    // kept description may follow); we joined last.
    if (!client.read_until([](std::string_view l) { return l == "The following are in this room:"; })) {
        fail(name, "no look reply after login", client);
    }
    if (!client.read_until([&](std::string_view l) { return names_user(l, name); })) {
        fail(name, "the look reply does not list the name", client);
    }
}

TcpClient login_client(std::uint16_t port, std::string_view name) {
    TcpClient client{port};
    if (!client.read_until([](std::string_view l) { return l == "Welcome to TestChat"; })) {
        fail(name, "no \"Welcome to TestChat\"", client);
    }
    log_in(client, name);
    return client;
}

bool names_user(std::string_view line, std::string_view name) {
    return line.starts_with(name) && (line.size() == name.size() || line[name.size()] == ' ');
}

}  // namespace natter::test
