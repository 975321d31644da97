#include "tests/support/notify_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <random>
#include <stdexcept>

namespace natter::test {

NotifySocket::NotifySocket(Kind kind) {
    if (kind == Kind::path) {
        address_ = (dir_.path() / "notify").string();
    } else {
        address_ = "@natter-test-notify-" + std::to_string(getpid()) + "-" + std::to_string(std::random_device{}());
    }
    bind_socket();
}

NotifySocket::~NotifySocket() { close(); }

void NotifySocket::bind_socket() {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (address_.size() >= sizeof address.sun_path) throw std::runtime_error("notify socket path too long");
    std::memcpy(address.sun_path, address_.data(), address_.size());
    if (address_.front() == '@') address.sun_path[0] = '\0';
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size());
    if (address_.front() == '/') ::unlink(address_.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
        const std::string why = std::strerror(errno);
        close();
        throw std::runtime_error("cannot bind the notify socket " + address_ + ": " + why);
    }
}

void NotifySocket::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!address_.empty() && address_.front() == '/') ::unlink(address_.c_str());
}

void NotifySocket::reopen() {
    close();
    bind_socket();
}

std::optional<std::string> NotifySocket::receive(Millis timeout) {
    if (fd_ < 0) return std::nullopt;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        pollfd ready{.fd = fd_, .events = POLLIN, .revents = 0};
        const int polled = ::poll(&ready, 1, static_cast<int>(std::max<Millis::rep>(left.count(), 0)));
        if (polled < 0 && errno == EINTR) continue;
        if (polled <= 0) return std::nullopt;
        std::array<char, 4096> buffer{};
        const auto n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) return std::nullopt;
        return std::string{buffer.data(), static_cast<std::size_t>(n)};
    }
    return std::nullopt;
}

std::vector<std::string> notify_fields(std::string_view message) {
    std::vector<std::string> fields;
    while (!message.empty()) {
        const auto end = message.find('\n');
        fields.emplace_back(message.substr(0, end));
        if (end == std::string_view::npos) break;
        message.remove_prefix(end + 1);
    }
    return fields;
}

bool has_notify_field(std::string_view message, std::string_view field) {
    const auto fields = notify_fields(message);
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

}  // namespace natter::test
