// Input is paced by output (SPEC §5): under a burst, a client that keeps
// reading gets every line, however slower than the burst it reads; one that
// never reads is dropped; one that reads but hopelessly slowly is dropped
// within stall_timeout_s and holds nobody back for longer. Server memory is
// sampled throughout and reported.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/support/chat_client.hpp"
#include "tests/support/process_stats.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

// One socket read by the poller: at most `rate` bytes a second (0: as fast
// as it comes), its lines handed to `on_line` when there is one.
struct Polled {
    int fd = -1;
    std::size_t rate = 0;
    std::function<void(std::string_view)> on_line;
    std::string partial;
    std::size_t received = 0;
    bool closed = false;
};

// What one plain client polling many sockets does: reads each as it allows,
// until `done` says stop or the deadline passes, sampling the server's RSS.
class Poller {
public:
    explicit Poller(pid_t server) : server_{server} {}

    Polled& add(TcpClient& client, std::size_t rate, std::function<void(std::string_view)> on_line = {}) {
        auto& p = add(client.native_handle(), rate, std::move(on_line));
        // What the client read during its login comes first.
        take(p, client.read_raw(0ms));
        return p;
    }
    Polled& add(int fd, std::size_t rate, std::function<void(std::string_view)> on_line = {}) {
        auto& p = polled_.emplace_back();
        p.fd = fd;
        p.rate = rate;
        p.on_line = std::move(on_line);
        return p;
    }

    void run(const std::function<bool()>& done, Clock::time_point deadline) {
        const auto started = Clock::now();
        std::vector<char> buffer(256 * 1024);
        auto next_sample = started;
        while (!done() && Clock::now() < deadline) {
            const auto now = Clock::now();
            if (now >= next_sample) {
                peak_rss_kib_ = std::max(peak_rss_kib_, rss_kib(server_));
                next_sample = now + 50ms;
            }
            const double elapsed = std::chrono::duration<double>(now - started).count();
            std::vector<pollfd> fds;
            std::vector<Polled*> owners;
            for (auto& p : polled_) {
                if (p.closed || allowance(p, elapsed) == 0) continue;
                fds.push_back({p.fd, POLLIN, 0});
                owners.push_back(&p);
            }
            if (::poll(fds.data(), fds.size(), 5) <= 0) continue;
            for (std::size_t i = 0; i < fds.size(); ++i) {
                if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
                auto& p = *owners[i];
                const auto want = std::min(allowance(p, elapsed), buffer.size());
                const auto n = ::recv(fds[i].fd, buffer.data(), want, MSG_DONTWAIT);
                if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                    p.closed = true;
                } else if (n > 0) {
                    take(p, {buffer.data(), static_cast<std::size_t>(n)});
                }
            }
        }
    }

    [[nodiscard]] long peak_rss_kib() const { return peak_rss_kib_; }

private:
    // A rate-limited reader reads a tenth of its rate each tenth of a
    // second, as a client reading on a timer would.
    static std::size_t allowance(const Polled& p, double elapsed) {
        if (p.rate == 0) return std::size_t{1} << 30;
        const double ticks = std::floor(elapsed * 10) + 1;
        const auto allowed = static_cast<std::size_t>(static_cast<double>(p.rate) * ticks / 10);
        return allowed > p.received ? allowed - p.received : 0;
    }

    static void take(Polled& p, std::string_view bytes) {
        p.received += bytes.size();
        if (!p.on_line) return;
        p.partial.append(bytes);
        std::size_t start = 0;
        for (auto end = p.partial.find('\n'); end != std::string::npos; end = p.partial.find('\n', start)) {
            auto line = std::string_view{p.partial}.substr(start, end - start);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            p.on_line(line);
            start = end + 1;
        }
        p.partial.erase(0, start);
    }

    pid_t server_;
    std::deque<Polled> polled_;  // add() hands out references that must stay valid
    long peak_rss_kib_ = 0;
};

// Checks that each talker's lines arrive complete and in order: "T<k>: <seq> …".
struct OrderCheck {
    explicit OrderCheck(int talkers) : next(static_cast<std::size_t>(talkers), 0) {}

    void operator()(std::string_view line) {
        if (line.size() < 4 || line[0] != 'T' || line.find(": ") == std::string_view::npos) return;
        const auto colon = line.find(": ");
        const auto who = static_cast<std::size_t>(std::stoi(std::string{line.substr(1, colon - 1)}));
        const int seq = std::stoi(std::string{line.substr(colon + 2, line.find(' ', colon + 2) - colon - 2)});
        if (who >= next.size() || seq != next[who]) {
            ++out_of_order;
            return;
        }
        ++next[who];
        ++lines;
    }

    std::vector<int> next;
    int lines = 0;
    int out_of_order = 0;
};

// A client whose kernel takes data in small steps (a 4 KiB receive buffer,
// 1000-byte segments), logged in as `name`: when it reads slowly, the
// server sees it drain slowly rather than not at all.
class SmallWindowClient {
public:
    SmallWindowClient(std::uint16_t port, const std::string& name) : fd_{::socket(AF_INET, SOCK_STREAM, 0)} {
        REQUIRE(fd_ >= 0);
        const int rcvbuf = 4096;
        const int mss = 1000;
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
        ::setsockopt(fd_, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
        const std::string login = "login " + name + "\r\n";
        REQUIRE(::send(fd_, login.data(), login.size(), 0) == static_cast<ssize_t>(login.size()));
    }
    ~SmallWindowClient() { ::close(fd_); }
    SmallWindowClient(const SmallWindowClient&) = delete;
    SmallWindowClient& operator=(const SmallWindowClient&) = delete;
    [[nodiscard]] int fd() const { return fd_; }

private:
    int fd_;
};

// The server's log without its chat lines, for failure messages.
std::string log_without_chat(const std::string& log) {
    std::string out;
    std::size_t start = 0;
    for (auto end = log.find('\n'); end != std::string::npos; end = log.find('\n', start)) {
        const auto line = std::string_view{log}.substr(start, end + 1 - start);
        if (line.find(" say ") == std::string_view::npos) out.append(line);
        start = end + 1;
    }
    return out;
}

std::string burst(int lines, std::size_t payload) {
    std::string out;
    const std::string text(payload, 'x');
    for (int k = 0; k < lines; ++k) out += "say " + std::to_string(k) + " " + text + "\r\n";
    return out;
}

}  // namespace

TEST_CASE("Pacing: under a burst a listener reading at 4 MB/s gets all 10,000 lines; the never-reader is dropped") {
    ServerProcess server{{.limits = "flood_burst = 2000\nflood_per_second = 200\noutput_buffer_bytes = 1048576\n"}};
    constexpr int talkers = 10;
    constexpr int lines_each = 1000;
    auto listener = login_client(server.port(), "Listener");
    auto never = login_client(server.port(), "Never");  // reads nothing from now on
    std::vector<TcpClient> talking;
    for (int k = 0; k < talkers; ++k) talking.push_back(login_client(server.port(), "T" + std::to_string(k)));

    Poller poller{server.pid()};
    OrderCheck order{talkers};
    auto& heard = poller.add(listener, 4'000'000, std::ref(order));
    for (auto& t : talking) poller.add(t, 0);

    // Each talker sends its 1,000 lines of ~2 KB in one write.
    const std::string lines = burst(lines_each, 1990);
    std::atomic<int> sent{0};
    std::vector<std::jthread> writers;
    for (auto& t : talking) {
        writers.emplace_back([&t, &lines, &sent] {
            if (t.send(lines, 50000ms)) ++sent;
        });
    }
    const auto started = Clock::now();
    poller.run([&] { return order.lines == talkers * lines_each || order.out_of_order > 0; }, started + 55s);
    writers.clear();
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    MESSAGE("burst: " << order.lines << " lines, " << heard.received / 1000000.0 << " MB to the listener in "
                      << seconds << " s; server peak RSS " << poller.peak_rss_kib() << " KiB");

    const auto log = server.stdout_text();
    INFO("server log, chat lines left out:\n" << log_without_chat(log));
    CHECK(sent == talkers);
    CHECK(order.out_of_order == 0);
    CHECK(order.lines == talkers * lines_each);
    CHECK_FALSE(heard.closed);
    // Only the never-reader went.
    CHECK((log.find("Never (output buffer full)") != std::string::npos ||
           log.find("Never (stalled") != std::string::npos));
    CHECK(log.find("Listener (") == std::string::npos);
    for (int k = 0; k < talkers; ++k) CHECK(log.find(" T" + std::to_string(k) + " (") == std::string::npos);
    // Memory stays bounded: well under what the burst would cost if input
    // were read at the talkers' pace (12 outboxes of 20 MB).
    CHECK(poller.peak_rss_kib() < 64 * 1024);
}

TEST_CASE("Pacing: a reader at 1 KB/s is dropped within stall_timeout_s + 2 s while the others get everything") {
    constexpr int stall_timeout_s = 3;
    ServerProcess server{{.limits = "flood_per_second = 0\noutput_buffer_bytes = 1048576\nstall_timeout_s = " +
                                    std::to_string(stall_timeout_s) + "\n"}};
    constexpr int talkers = 4;
    constexpr int lines_each = 1000;
    auto listener = login_client(server.port(), "Listener");
    auto slow = login_client(server.port(), "Slow");
    std::vector<TcpClient> talking;
    for (int k = 0; k < talkers; ++k) talking.push_back(login_client(server.port(), "T" + std::to_string(k)));

    Poller poller{server.pid()};
    OrderCheck order{talkers};
    auto& heard = poller.add(listener, 0, std::ref(order));
    auto& trickle = poller.add(slow, 1000);
    for (auto& t : talking) poller.add(t, 0);

    const std::string lines = burst(lines_each, 1990);  // 8 MB in all, 2 MB to each reader
    std::atomic<int> sent{0};
    std::vector<std::jthread> writers;
    const auto started = Clock::now();
    for (auto& t : talking) {
        writers.emplace_back([&t, &lines, &sent] {
            if (t.send(lines, 30000ms)) ++sent;
        });
    }
    // The log is looked at ten times a second: it holds every line said.
    Clock::time_point dropped{};
    Clock::time_point next_look{};
    poller.run(
        [&] {
            if (dropped == Clock::time_point{} && Clock::now() >= next_look) {
                next_look = Clock::now() + 100ms;
                if (server.stdout_text().find(" Slow (") != std::string::npos) dropped = Clock::now();
            }
            return dropped != Clock::time_point{} && order.lines == talkers * lines_each;
        },
        started + 40s);
    writers.clear();
    const auto log = server.stdout_text();
    INFO("server log, chat lines left out:\n" << log_without_chat(log));
    REQUIRE(dropped != Clock::time_point{});
    const double after = std::chrono::duration<double>(dropped - started).count();
    MESSAGE("the 1 KB/s reader was dropped " << after << " s into the burst, after reading " << trickle.received
                                             << " bytes; server peak RSS " << poller.peak_rss_kib() << " KiB");
    CHECK(after <= stall_timeout_s + 2.0);
    CHECK(sent == talkers);
    CHECK(order.out_of_order == 0);
    CHECK(order.lines == talkers * lines_each);
    CHECK_FALSE(heard.closed);
    CHECK(log.find("Listener (") == std::string::npos);
}

TEST_CASE("Pacing: a reader that drains at 20 KB/s holds input back for stall_timeout_s at most, then is dropped") {
    constexpr int stall_timeout_s = 3;
    ServerProcess server{{.limits = "flood_per_second = 0\noutput_buffer_bytes = 1048576\nstall_timeout_s = " +
                                    std::to_string(stall_timeout_s) + "\n"}};
    constexpr int talkers = 4;
    constexpr int lines_each = 1000;
    auto listener = login_client(server.port(), "Listener");
    SmallWindowClient slow{server.port(), "Slow"};
    REQUIRE(listener.read_until([](std::string_view l) { return l == "Slow has entered the room."; }));
    std::vector<TcpClient> talking;
    for (int k = 0; k < talkers; ++k) talking.push_back(login_client(server.port(), "T" + std::to_string(k)));

    Poller poller{server.pid()};
    OrderCheck order{talkers};
    auto& heard = poller.add(listener, 0, std::ref(order));
    auto& trickle = poller.add(slow.fd(), 20'000);
    for (auto& t : talking) poller.add(t, 0);

    const std::string lines = burst(lines_each, 1990);
    std::atomic<int> sent{0};
    std::vector<std::jthread> writers;
    const auto started = Clock::now();
    for (auto& t : talking) {
        writers.emplace_back([&t, &lines, &sent] {
            if (t.send(lines, 30000ms)) ++sent;
        });
    }
    // The log is looked at ten times a second: it holds every line said.
    Clock::time_point dropped{};
    Clock::time_point next_look{};
    poller.run(
        [&] {
            if (dropped == Clock::time_point{} && Clock::now() >= next_look) {
                next_look = Clock::now() + 100ms;
                if (server.stdout_text().find(" Slow (") != std::string::npos) dropped = Clock::now();
            }
            return dropped != Clock::time_point{} && order.lines == talkers * lines_each;
        },
        started + 40s);
    writers.clear();
    const auto log = server.stdout_text();
    INFO("server log, chat lines left out:\n" << log_without_chat(log));
    REQUIRE(dropped != Clock::time_point{});
    const double after = std::chrono::duration<double>(dropped - started).count();
    MESSAGE("the 20 KB/s reader was dropped " << after << " s into the burst, after reading " << trickle.received
                                              << " bytes; server peak RSS " << poller.peak_rss_kib() << " KiB");
    // It drained, so it held input back, but for stall_timeout_s at most.
    // It holds input only while it is seen draining: when TCP's small
    // window makes its progress pause for a second, input flows meanwhile,
    // so the wall time may be longer than the time it held everyone.
    CHECK(log.find("Slow (too slow: kept everyone's input waiting)") != std::string::npos);
    CHECK(after >= stall_timeout_s);
    CHECK(after <= 2 * stall_timeout_s + 2.0);
    CHECK(sent == talkers);
    CHECK(order.out_of_order == 0);
    CHECK(order.lines == talkers * lines_each);
    CHECK_FALSE(heard.closed);
}
