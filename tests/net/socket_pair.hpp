// A connected pair of non-blocking local stream sockets for the senders'
// tests: the test sends on one end and reads what arrived on the other.
#pragma once

#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <span>
#include <string>

#include <doctest/doctest.h>

namespace natter::net {

// Closed on destruction.
struct SocketPair {
    SocketPair() {
        REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
    }
    ~SocketPair() {
        for (const int fd : fds) {
            if (fd >= 0) close(fd);
        }
    }
    SocketPair(const SocketPair&) = delete;
    SocketPair& operator=(const SocketPair&) = delete;

    [[nodiscard]] int sender() const { return fds[0]; }
    void close_receiver() {
        close(fds[1]);
        fds[1] = -1;
    }
    // Everything waiting on the receiving end.
    [[nodiscard]] std::string received() const {
        std::string bytes;
        char buffer[65536];
        for (int reads = 0; reads < 10000; ++reads) {
            const ssize_t n = read(fds[1], buffer, sizeof buffer);
            if (n <= 0) break;
            bytes.append(buffer, static_cast<std::size_t>(n));
        }
        return bytes;
    }
    // Writes until the kernel takes no more; returns the bytes it took.
    std::size_t fill() const {
        const std::string chunk(4096, 'f');
        std::size_t total = 0;
        for (int writes = 0; writes < 100000; ++writes) {
            const ssize_t n = write(fds[0], chunk.data(), chunk.size());
            if (n <= 0) break;
            total += static_cast<std::size_t>(n);
        }
        return total;
    }

    int fds[2] = {-1, -1};
};

inline std::span<const char> bytes_of(const std::string& text) { return {text.data(), text.size()}; }

}  // namespace natter::net
