// Tells the service manager how the server is doing, for systemd's
// Type=notify: ready (listening), reloading, stopping, and still alive (the
// watchdog). Speaks the notify protocol of sd_notify(3) itself, one datagram
// of KEY=VALUE lines to the AF_UNIX socket named by $NOTIFY_SOCKET, rather
// than linking libsystemd for it: the protocol is a documented, stable
// interface (systemd's own docs describe it for daemons that do exactly
// this), it is a dozen lines, and natterd keeps one dependency fewer and
// runs the same on machines without systemd. Without $NOTIFY_SOCKET every
// call does nothing.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <chrono>
#include <string>
#include <string_view>

namespace natter::net {

class ServiceNotifier {
public:
    // From $NOTIFY_SOCKET, and the watchdog from $WATCHDOG_USEC when
    // $WATCHDOG_PID is unset or names this process.
    [[nodiscard]] static ServiceNotifier from_environment();

    // `socket_path` is a file system path or "@name" (the abstract
    // namespace); empty turns notifications off. A zero interval means no
    // watchdog.
    ServiceNotifier(std::string_view socket_path, std::chrono::microseconds watchdog_interval);
    ~ServiceNotifier();
    ServiceNotifier(const ServiceNotifier&) = delete;
    ServiceNotifier& operator=(const ServiceNotifier&) = delete;

    [[nodiscard]] bool enabled() const { return fd_ >= 0; }
    [[nodiscard]] std::chrono::microseconds watchdog_interval() const { return watchdog_; }

    // READY=1, with a STATUS= line for `systemctl status` when given.
    void ready(std::string_view status = {});
    // RELOADING=1: a reload has begun; ready() ends it, whatever its outcome.
    void reloading();
    // STOPPING=1: shutdown has begun.
    void stopping();
    // WATCHDOG=1 when the watchdog is on. The server calls this from its 1 s
    // tick, which proves the loop runs; that pings at least twice per
    // interval for any interval of 2 s or more (a shorter one is warned of).
    void watchdog();

private:
    // Never blocks: a service manager too busy to take a datagram loses it.
    void send(std::string_view message);

    int fd_ = -1;
    sockaddr_un address_{};
    socklen_t address_length_ = 0;
    std::chrono::microseconds watchdog_{0};
    bool send_failed_ = false;  // the first failure is logged, not every one
};

}  // namespace natter::net
