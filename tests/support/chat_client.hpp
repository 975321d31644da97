// Small steps every integration test repeats with the classic protocol:
// connect and log in, recognise a name in a `who` list. Knows the SPEC §2
// strings, nothing of how natterd is built.
#pragma once

#include <cstdint>
#include <string_view>

#include "tests/support/tcp_client.hpp"

namespace natter::test {

// Connects, reads the welcome, logs in as `name` and waits until the login
// has taken effect (a `look` lists `name`). Lines before that are consumed.
// Throws std::runtime_error, naming what was missing, if any step fails.
TcpClient login_client(std::uint16_t port, std::string_view name);

// Logs an already connected client (welcome read) in, as login_client does.
void log_in(TcpClient& client, std::string_view name);

// A `who` line names `name` if it is the name alone or the name followed by
// a space and detail (room, idle time), which SPEC §2 allows.
bool names_user(std::string_view line, std::string_view name);

}  // namespace natter::test
