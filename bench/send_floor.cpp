// bench/send_floor.cpp — what the kernel itself costs for the rate
// scenario's deliveries, with no chat server in the way: N loopback TCP
// connections, a reader process draining them all with epoll (as the load
// generator does), and a sender that R times a second sends one line to each
// of the N sockets with natterd's own ParallelSender: one send() per socket
// or one io_uring submission per tick, on --threads threads (1: the calling
// thread alone, as natterd with io_threads = 1). Prints the sender's CPU
// share and CPU per delivery: the floor under natterd's figure for the same
// load, and how the kernel's cost divides across cores.
//
// Loopback only, bounded by --seconds and an alarm.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/clock.hpp"
#include "src/net/parallel_sender.hpp"

namespace {

using natter::bench::now_ns;

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

[[noreturn]] void die(const std::string& what) { throw std::runtime_error{what + ": " + std::strerror(errno)}; }

// N connected pairs over 127.0.0.1: senders[i] (non-blocking, TCP_NODELAY,
// as natterd's) and receivers[i].
void connect_pairs(std::size_t n, std::vector<int>& senders, std::vector<int>& receivers) {
    const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0) die("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) die("bind");
    if (listen(listener, 4096) != 0) die("listen");
    getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
    for (std::size_t i = 0; i < n; ++i) {
        const int receiver = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (receiver < 0 || connect(receiver, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) die("connect");
        const int sender = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (sender < 0) die("accept");
        const int one = 1;
        setsockopt(sender, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        senders.push_back(sender);
        receivers.push_back(receiver);
    }
    close(listener);
}

// The reader process: drains every receiver until all have closed.
[[noreturn]] void drain(const std::vector<int>& receivers, unsigned limit_s) {
    alarm(limit_s);  // a guard: the sender closing ends this long before
    const int epoll = epoll_create1(EPOLL_CLOEXEC);
    for (const int fd : receivers) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = fd;
        epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
    }
    std::vector<char> buffer(65536);
    std::vector<epoll_event> events(256);
    std::size_t open = receivers.size();
    while (open > 0) {
        const int ready = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 1000);
        for (int i = 0; i < ready; ++i) {
            if (read(events[static_cast<std::size_t>(i)].data.fd, buffer.data(), buffer.size()) <= 0) {
                epoll_ctl(epoll, EPOLL_CTL_DEL, events[static_cast<std::size_t>(i)].data.fd, nullptr);
                --open;
            }
        }
    }
    _exit(0);
}

void run(const std::string& mode, unsigned threads, std::size_t sockets, unsigned rate, unsigned seconds,
         std::size_t line_bytes) {
    std::vector<int> senders;
    std::vector<int> receivers;
    connect_pairs(sockets, senders, receivers);
    const pid_t reader = fork();
    if (reader < 0) die("fork");
    if (reader == 0) {
        for (const int fd : senders) close(fd);
        drain(receivers, seconds + 30);
    }
    for (const int fd : receivers) close(fd);

    // Started after the fork, which would copy no thread into the reader.
    natter::net::ParallelSender sender{threads, mode == "io_uring"};
    if (mode == "io_uring" && sender.rings() != sender.threads()) throw std::runtime_error{sender.unavailable()};
    if (sender.threads() != threads) throw std::runtime_error{"could not start every sending thread"};
    std::string line(line_bytes - 2, 'x');
    line += "\r\n";
    const std::uint64_t ticks = std::uint64_t{rate} * seconds;
    std::uint64_t short_sends = 0;
    const std::int64_t start = now_ns();
    const double cpu_start = cpu_seconds();
    for (std::uint64_t tick = 0; tick < ticks; ++tick) {
        const std::int64_t due = start + static_cast<std::int64_t>(tick * 1'000'000'000 / rate);
        for (std::int64_t wait = due - now_ns(); wait > 0; wait = due - now_ns()) {
            const timespec pause{0, wait};
            nanosleep(&pause, nullptr);
        }
        for (const int fd : senders) sender.add(fd, {line.data(), line.size()});
        for (const int result : sender.send_all()) short_sends += result != static_cast<int>(line.size());
    }
    const double cpu = cpu_seconds() - cpu_start;
    const double wall = static_cast<double>(now_ns() - start) / 1e9;
    for (const int fd : senders) close(fd);
    int status = 0;
    waitpid(reader, &status, 0);
    const double deliveries = static_cast<double>(ticks) * static_cast<double>(sockets);
    std::printf("RESULT tool=send_floor mode=%s threads=%u sockets=%zu ticks_per_s=%u seconds=%u line_bytes=%zu "
                "deliveries_per_s=%.0f sender_cpu_pct=%.1f us_per_delivery=%.2f short_sends=%llu reader_ok=%s\n",
                mode.c_str(), threads, sockets, rate, seconds, line_bytes, deliveries / wall, 100.0 * cpu / wall,
                cpu * 1e6 / deliveries, static_cast<unsigned long long>(short_sends),
                WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"natter_send_floor: the kernel's own cost of the rate scenario's deliveries"};
    std::size_t sockets = 100;
    unsigned rate = 1000;
    unsigned seconds = 5;
    std::size_t line_bytes = 64;
    std::string mode = "both";
    unsigned threads = 1;
    app.add_option("-n,--sockets", sockets, "connections written to each tick")->check(CLI::Range(1, 10000));
    app.add_option("-r,--rate", rate, "ticks per second (one line to every socket per tick)")->check(CLI::Range(1, 100000));
    app.add_option("-d,--seconds", seconds, "how long to send")->check(CLI::Range(1, 600));
    app.add_option("--line-bytes", line_bytes, "bytes per line, CR LF included")->check(CLI::Range(3, 4096));
    app.add_option("--mode", mode, "write (one send() per socket), io_uring or both")
        ->check(CLI::IsMember({"write", "io_uring", "both"}));
    app.add_option("-t,--threads", threads, "threads that send, as natterd's io_threads (1: one thread)")
        ->check(CLI::Range(1, 64));
    CLI11_PARSE(app, argc, argv);
    signal(SIGPIPE, SIG_IGN);
    try {
        for (const std::string m : {"write", "io_uring"}) {
            if (mode == m || mode == "both") run(m, threads, sockets, rate, seconds, line_bytes);
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "natter_send_floor: %s\n", error.what());
        return 1;
    }
    return 0;
}
