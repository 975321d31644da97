// ServiceNotifier: systemd's notify protocol, checked on a socket of the
// test's own: one datagram per notification, path and abstract addresses,
// the watchdog only when asked for, and nothing at all without a socket.
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

#include <doctest/doctest.h>

#include "src/net/service_notifier.hpp"
#include "tests/support/notify_socket.hpp"

namespace natter::net {
namespace {

using test::Millis;
using test::NotifySocket;

constexpr Millis nothing_comes{200};

// Sets (or with nullptr unsets) an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_{name} {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value != nullptr) {
            setenv(name, value, 1);
        } else {
            unsetenv(name);
        }
    }
    ~ScopedEnv() {
        if (old_) {
            setenv(name_, old_->c_str(), 1);
        } else {
            unsetenv(name_);
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

bool is_digits(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

TEST_CASE("ServiceNotifier: each notification is one datagram of KEY=VALUE lines") {
    NotifySocket manager;
    ServiceNotifier notifier{manager.address(), std::chrono::seconds{0}};
    REQUIRE(notifier.enabled());

    notifier.ready("listening on 127.0.0.1:5005");
    CHECK(manager.receive() == "READY=1\nSTATUS=listening on 127.0.0.1:5005");
    notifier.reloading();
    const auto reloading = manager.receive();
    REQUIRE(reloading);
    const auto fields = test::notify_fields(*reloading);
    REQUIRE(fields.size() == 2);
    CHECK(fields[0] == "RELOADING=1");
    CHECK(fields[1].starts_with("MONOTONIC_USEC="));
    CHECK(is_digits(std::string_view{fields[1]}.substr(15)));
    notifier.ready();
    CHECK(manager.receive() == "READY=1");
    notifier.stopping();
    CHECK(manager.receive() == "STOPPING=1");
    CHECK_FALSE(manager.receive(nothing_comes));
}

TEST_CASE("ServiceNotifier: the watchdog pings only when it has an interval") {
    NotifySocket manager;
    ServiceNotifier without{manager.address(), std::chrono::seconds{0}};
    without.watchdog();
    CHECK_FALSE(manager.receive(nothing_comes));

    ServiceNotifier with{manager.address(), std::chrono::seconds{30}};
    CHECK(with.watchdog_interval() == std::chrono::seconds{30});
    with.watchdog();
    with.watchdog();
    CHECK(manager.receive() == "WATCHDOG=1");
    CHECK(manager.receive() == "WATCHDOG=1");
}

TEST_CASE("ServiceNotifier: reaches a socket in the abstract namespace (@name)") {
    NotifySocket manager{NotifySocket::Kind::abstract};
    REQUIRE(manager.address().front() == '@');
    ServiceNotifier notifier{manager.address(), std::chrono::seconds{0}};
    notifier.stopping();
    CHECK(manager.receive() == "STOPPING=1");
}

TEST_CASE("ServiceNotifier: without a usable socket address nothing is sent") {
    for (const char* address : {"", "relative/notify", "@", "vsock:2:1234"}) {
        CAPTURE(address);
        ServiceNotifier notifier{address, std::chrono::seconds{30}};
        CHECK_FALSE(notifier.enabled());
        notifier.ready("x");  // must be harmless
        notifier.watchdog();
    }
}

TEST_CASE("ServiceNotifier: a service manager that went away and came back gets the next message") {
    NotifySocket manager;
    ServiceNotifier notifier{manager.address(), std::chrono::seconds{0}};
    manager.close();
    notifier.ready();  // fails quietly: nobody is listening
    manager.reopen();
    notifier.stopping();
    CHECK(manager.receive() == "STOPPING=1");
    CHECK_FALSE(manager.receive(nothing_comes));
}

TEST_CASE("ServiceNotifier: reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the environment") {
    NotifySocket manager;
    const ScopedEnv socket{"NOTIFY_SOCKET", manager.address().c_str()};
    const ScopedEnv usec{"WATCHDOG_USEC", "4000000"};
    {
        const ScopedEnv pid{"WATCHDOG_PID", nullptr};
        const auto notifier = ServiceNotifier::from_environment();
        CHECK(notifier.enabled());
        CHECK(notifier.watchdog_interval() == std::chrono::seconds{4});
    }
    {
        const std::string mine = std::to_string(getpid());
        const ScopedEnv pid{"WATCHDOG_PID", mine.c_str()};
        CHECK(ServiceNotifier::from_environment().watchdog_interval() == std::chrono::seconds{4});
    }
    {
        // The watchdog is another process's (natterd inherited the variables).
        const std::string other = std::to_string(getpid() + 1);
        const ScopedEnv pid{"WATCHDOG_PID", other.c_str()};
        auto notifier = ServiceNotifier::from_environment();
        CHECK(notifier.watchdog_interval().count() == 0);
        notifier.watchdog();
        CHECK_FALSE(manager.receive(nothing_comes));
    }
    {
        const ScopedEnv bad{"WATCHDOG_USEC", "soon"};
        const ScopedEnv pid{"WATCHDOG_PID", nullptr};
        CHECK(ServiceNotifier::from_environment().watchdog_interval().count() == 0);
    }
    const ScopedEnv none{"NOTIFY_SOCKET", nullptr};
    CHECK_FALSE(ServiceNotifier::from_environment().enabled());
}

}  // namespace natter::net
