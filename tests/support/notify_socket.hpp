// A service manager's notify socket, as systemd holds one for a Type=notify
// service: a Unix datagram socket bound in a fresh directory (or in the
// abstract namespace) that natterd is pointed at with NOTIFY_SOCKET, and the
// messages that arrive on it. Every wait is bounded.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/temp_dir.hpp"
#include "tests/support/timeouts.hpp"

namespace natter::test {

class NotifySocket {
public:
    enum class Kind { path, abstract };
    // Throws std::runtime_error when the socket cannot be bound.
    explicit NotifySocket(Kind kind = Kind::path);
    ~NotifySocket();
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    // What NOTIFY_SOCKET is set to: a path, or "@name" for an abstract one.
    const std::string& address() const { return address_; }

    // The next datagram, or nullopt if none arrives within the timeout.
    std::optional<std::string> receive(Millis timeout = default_timeout);

    // Closes the socket (a service manager that went away); a later call
    // to reopen() binds the same address again.
    void close();
    void reopen();

private:
    void bind_socket();

    TempDir dir_;
    std::string address_;
    int fd_ = -1;
};

// The KEY=VALUE lines of one notify message.
std::vector<std::string> notify_fields(std::string_view message);
// True if `message` has the line `field` ("READY=1").
bool has_notify_field(std::string_view message, std::string_view field);

}  // namespace natter::test
