// TcpClient: a non-blocking socket driven by poll() with deadlines, so that
// each call is bounded even when the server sends nothing.
#include "tests/support/tcp_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>
#include <stdexcept>
#include <utility>

#include "tests/support/printable.hpp"

namespace natter::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr unsigned char iac = 255;
constexpr unsigned char sb = 250;
constexpr unsigned char se = 240;
constexpr unsigned char will = 251;
constexpr unsigned char dont = 254;

int millis_left(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(left);
}

[[noreturn]] void fail_errno(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

sockaddr_in loopback_address(std::string_view host, std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    const std::string text{host};
    if (inet_pton(AF_INET, text.c_str(), &address.sin_addr) != 1) {
        throw std::runtime_error("not an IPv4 address: " + text);
    }
    return address;
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const LineCheck& check) {
    out << "expected line \"" << printable(check.expected) << "\", ";
    if (check.got) {
        out << "got \"" << printable(*check.got) << '"';
    } else {
        out << "got nothing (timeout or connection closed)";
    }
    return out;
}

TcpClient::TcpClient(std::uint16_t port, std::string_view source_address, Millis timeout) {
    // CLOEXEC: a child process (nc, telnet, natterd) must not inherit the
    // socket, or our close() would not send FIN.
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) fail_errno("socket");
    const int one = 1;
    // Each send() is its own segment, so byte-by-byte tests really split.
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    auto cleanup_and_fail = [this](const std::string& what) {
        const int saved = errno;
        ::close(fd_);
        fd_ = -1;
        errno = saved;
        fail_errno(what);
    };
    if (!source_address.empty()) {
        const sockaddr_in source = loopback_address(source_address, 0);
        if (::bind(fd_, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0) {
            cleanup_and_fail("bind " + std::string{source_address});
        }
    }
    const sockaddr_in target = loopback_address("127.0.0.1", port);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
        if (errno != EINPROGRESS) cleanup_and_fail("connect 127.0.0.1:" + std::to_string(port));
        pollfd pfd{fd_, POLLOUT, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
        if (ready <= 0) {
            errno = ready == 0 ? ETIMEDOUT : errno;
            cleanup_and_fail("connect 127.0.0.1:" + std::to_string(port));
        }
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            errno = error;
            cleanup_and_fail("connect 127.0.0.1:" + std::to_string(port));
        }
    }
}

TcpClient::~TcpClient() { close(); }

TcpClient::TcpClient(TcpClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      inbox_(std::move(other.inbox_)),
      partial_(std::move(other.partial_)),
      telnet_(std::move(other.telnet_)),
      skipped_(std::move(other.skipped_)),
      peer_closed_(other.peer_closed_),
      overflowed_(other.overflowed_) {}

TcpClient& TcpClient::operator=(TcpClient&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        inbox_ = std::move(other.inbox_);
        partial_ = std::move(other.partial_);
        telnet_ = std::move(other.telnet_);
        skipped_ = std::move(other.skipped_);
        peer_closed_ = other.peer_closed_;
        overflowed_ = other.overflowed_;
    }
    return *this;
}

bool TcpClient::send(std::string_view bytes, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!bytes.empty()) {
        if (fd_ < 0) return false;
        const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(sent));
            continue;
        }
        if (sent < 0 && errno == EINTR) continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd pfd{fd_, POLLOUT, 0};
            if (::poll(&pfd, 1, millis_left(deadline)) <= 0) return false;
            continue;
        }
        return false;
    }
    return true;
}

bool TcpClient::send_line(std::string_view text, Millis timeout) {
    std::string line{text};
    line += "\r\n";
    return send(line, timeout);
}

bool TcpClient::fill(Clock::time_point deadline) {
    if (fd_ < 0 || peer_closed_) return false;
    char buffer[65536];
    for (;;) {
        pollfd pfd{fd_, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, millis_left(deadline));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return false;
        const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
        if (got > 0) {
            inbox_.append(buffer, static_cast<std::size_t>(got));
            return true;
        }
        if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (millis_left(deadline) == 0) return false;
            continue;
        }
        peer_closed_ = true;  // EOF, or a reset / other hard error
        return false;
    }
}

std::optional<std::string> TcpClient::take_line() {
    std::size_t i = 0;
    const std::size_t n = inbox_.size();
    std::optional<std::string> line;
    while (i < n && !line) {
        const auto byte = static_cast<unsigned char>(inbox_[i]);
        if (byte == iac) {
            if (i + 1 >= n) break;  // the command byte has not arrived yet
            const auto command = static_cast<unsigned char>(inbox_[i + 1]);
            if (command == iac) {
                partial_ += inbox_[i];
                i += 2;
            } else if (command >= will && command <= dont) {
                if (i + 2 >= n) break;
                telnet_.push_back(inbox_.substr(i, 3));
                i += 3;
            } else if (command == sb) {
                // Subnegotiation runs to IAC SE; IAC IAC inside is data.
                std::size_t j = i + 2;
                bool complete = false;
                while (j + 1 < n) {
                    if (static_cast<unsigned char>(inbox_[j]) == iac) {
                        const auto next = static_cast<unsigned char>(inbox_[j + 1]);
                        if (next == se) {
                            complete = true;
                            break;
                        }
                        j += next == iac ? 2 : 1;
                    } else {
                        ++j;
                    }
                }
                if (!complete) break;
                telnet_.push_back(inbox_.substr(i, j + 2 - i));
                i = j + 2;
            } else {
                telnet_.push_back(inbox_.substr(i, 2));
                i += 2;
            }
        } else if (byte == '\n') {
            ++i;
            line = std::move(partial_);
            partial_.clear();
            if (!line->empty() && line->back() == '\r') line->pop_back();
        } else {
            partial_ += inbox_[i];
            ++i;
            if (partial_.size() > max_line_bytes) {
                overflowed_ = true;
                partial_.clear();
            }
        }
    }
    inbox_.erase(0, i);
    return line;
}

std::optional<std::string> TcpClient::read_line(Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (auto line = take_line()) return line;
        if (overflowed_) {
            overflowed_ = false;
            return std::nullopt;
        }
        if (!fill(deadline)) return std::nullopt;
    }
}

LineCheck TcpClient::expect_line(std::string_view expected, Millis timeout) {
    LineCheck check;
    check.expected = std::string{expected};
    check.got = read_line(timeout);
    check.ok = check.got && *check.got == expected;
    return check;
}

std::optional<std::string> TcpClient::read_until(
    const std::function<bool(std::string_view)>& match, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    skipped_.clear();
    // Bounded by the deadline and by a line count, so a flood cannot keep
    // this loop alive.
    for (int count = 0; count < 100000; ++count) {
        auto line = read_line(Millis{millis_left(deadline)});
        if (!line) return std::nullopt;
        if (match(*line)) return line;
        if (skipped_.size() < 1000) skipped_.push_back(std::move(*line));
    }
    return std::nullopt;
}

std::string TcpClient::read_raw(Millis timeout) {
    if (inbox_.empty()) fill(Clock::now() + timeout);
    return std::exchange(inbox_, std::string{});
}

std::optional<std::string> TcpClient::read_raw_until(std::string_view needle, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    while (inbox_.find(needle) == std::string::npos) {
        if (inbox_.size() > max_line_bytes || !fill(deadline)) return std::nullopt;
    }
    return std::exchange(inbox_, std::string{});
}

bool TcpClient::wait_closed(Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    std::size_t discarded = 0;
    while (!peer_closed_) {
        discarded += inbox_.size();
        inbox_.clear();
        if (discarded > (16u << 20)) return false;  // a flood, not a close
        if (!fill(deadline) && !peer_closed_) return false;
    }
    return true;
}

void TcpClient::reset() {
    if (fd_ < 0) return;
    const linger hard{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::close(fd_);
    fd_ = -1;
}

void TcpClient::close() {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
}

}  // namespace natter::test
