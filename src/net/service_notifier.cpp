#include "src/net/service_notifier.hpp"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace natter::net {
namespace {

constexpr std::chrono::seconds tick{1};

std::string_view environment(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string_view{} : std::string_view{value};
}

// A whole positive number, or 0 for anything else.
unsigned long long positive(std::string_view text) {
    unsigned long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc{} && end == text.data() + text.size() ? value : 0;
}

}  // namespace

ServiceNotifier ServiceNotifier::from_environment() {
    std::chrono::microseconds interval{0};
    const auto watchdog_pid = environment("WATCHDOG_PID");
    // The watchdog belongs to the main process; a child that inherited the
    // variables must not ping for it.
    if (watchdog_pid.empty() || positive(watchdog_pid) == static_cast<unsigned long long>(getpid())) {
        interval = std::chrono::microseconds{positive(environment("WATCHDOG_USEC"))};
    }
    return ServiceNotifier{environment("NOTIFY_SOCKET"), interval};
}

ServiceNotifier::ServiceNotifier(std::string_view socket_path, std::chrono::microseconds watchdog_interval) {
    if (socket_path.empty()) return;
    // "@name" is Linux's abstract namespace: the name after a NUL byte.
    if ((socket_path.front() != '/' && socket_path.front() != '@') || socket_path.size() < 2 ||
        socket_path.size() >= sizeof address_.sun_path) {
        spdlog::warn("NOTIFY_SOCKET \"{}\" is not a Unix socket path; not notifying the service manager",
                     socket_path);
        return;
    }
    address_.sun_family = AF_UNIX;
    std::memcpy(address_.sun_path, socket_path.data(), socket_path.size());
    if (socket_path.front() == '@') address_.sun_path[0] = '\0';
    // A path is sent with its terminating NUL; an abstract name without.
    address_length_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path.size() +
                                             (socket_path.front() == '/' ? 1 : 0));
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        spdlog::warn("cannot notify the service manager: socket: {}", std::strerror(errno));
        return;
    }
    watchdog_ = watchdog_interval;
    if (watchdog_.count() > 0 && watchdog_ < 2 * tick) {
        spdlog::warn("watchdog interval {} ms is under 2 s: natterd pings once a second, so set WatchdogSec=2s or more",
                     watchdog_.count() / 1000);
    }
    spdlog::debug("notifying the service manager at {}{}", socket_path,
                  watchdog_.count() > 0 ? fmt::format(", watchdog every {} ms", watchdog_.count() / 1000) : "");
}

ServiceNotifier::~ServiceNotifier() {
    if (fd_ >= 0) ::close(fd_);
}

void ServiceNotifier::ready(std::string_view status) {
    send(status.empty() ? std::string{"READY=1"} : fmt::format("READY=1\nSTATUS={}", status));
}

void ServiceNotifier::reloading() {
    // systemd pairs the reload with the monotonic time it began.
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1'000'000ULL +
                      static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
    send(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", usec));
}

void ServiceNotifier::stopping() { send("STOPPING=1"); }

void ServiceNotifier::watchdog() {
    if (watchdog_.count() > 0) send("WATCHDOG=1");
}

void ServiceNotifier::send(std::string_view message) {
    if (fd_ < 0) return;
    const auto sent = ::sendto(fd_, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                               reinterpret_cast<const sockaddr*>(&address_), address_length_);
    if (sent >= 0 || send_failed_) return;
    send_failed_ = true;
    spdlog::warn("cannot notify the service manager: {}", std::strerror(errno));
}

}  // namespace natter::net
