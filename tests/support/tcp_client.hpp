// A blocking TCP client with bounded waits, for tests that talk to a server
// the way telnet or nc would. It knows lines and telnet framing, nothing of
// natter's commands; every wait ends after its timeout, so a silent or wrong
// server fails a test instead of hanging it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/timeouts.hpp"

namespace natter::test {

// The outcome of expect_line(). Converts to bool and prints itself, so
// `CHECK(client.expect_line("x"))` shows what arrived instead.
struct LineCheck {
    bool ok = false;
    std::string expected;
    std::optional<std::string> got;  // nullopt: nothing arrived in time

    explicit operator bool() const { return ok; }
};
std::ostream& operator<<(std::ostream& out, const LineCheck& check);

class TcpClient {
public:
    // Connects to 127.0.0.1:port; with a source address (e.g. "127.0.0.2")
    // the socket is bound to it first. Throws std::runtime_error on failure.
    explicit TcpClient(std::uint16_t port, std::string_view source_address = {},
                       Millis timeout = default_timeout);
    ~TcpClient();
    TcpClient(TcpClient&& other) noexcept;
    TcpClient& operator=(TcpClient&& other) noexcept;
    TcpClient(const TcpClient&) = delete;
    TcpClient& operator=(const TcpClient&) = delete;

    // Writes all bytes (one send call where the kernel allows); false on error
    // or when the peer does not take them within the timeout.
    bool send(std::string_view bytes, Millis timeout = default_timeout);
    // Sends text followed by CR LF.
    bool send_line(std::string_view text, Millis timeout = default_timeout);

    // The next line, without its LF and one CR before it. Telnet commands
    // from the server are taken out of the stream (see telnet_commands()) and
    // IAC IAC becomes one 0xFF byte. nullopt on timeout, on EOF, or when a
    // line grows beyond max_line_bytes (then what arrived is dropped).
    std::optional<std::string> read_line(Millis timeout = default_timeout);
    // Reads the next line and compares it with `expected`.
    LineCheck expect_line(std::string_view expected, Millis timeout = default_timeout);
    // Reads lines until one satisfies `match` (returned) or the time is up.
    // Lines passed over are kept in skipped_lines() for failure messages.
    std::optional<std::string> read_until(const std::function<bool(std::string_view)>& match,
                                          Millis timeout = default_timeout);
    const std::vector<std::string>& skipped_lines() const { return skipped_; }

    // Raw bytes as they came off the wire (nothing parsed): whatever is
    // buffered or arrives within the timeout; empty if nothing came. Bytes
    // that read_line() already took apart are not seen again.
    std::string read_raw(Millis timeout = default_timeout);
    // Reads raw bytes until the accumulated bytes contain `needle`; returns
    // everything read (and consumes it). nullopt if the needle never came.
    std::optional<std::string> read_raw_until(std::string_view needle,
                                              Millis timeout = default_timeout);

    // Telnet sequences (IAC …) the server sent, as raw bytes, in order.
    const std::vector<std::string>& telnet_commands() const { return telnet_; }

    // True when the peer closed (EOF or reset) within the timeout. Data that
    // arrives first is read and discarded (bounded).
    bool wait_closed(Millis timeout = default_timeout);
    // True once EOF or a reset has been seen.
    bool peer_closed() const { return peer_closed_; }

    // The socket, for a test that polls many clients itself; bytes already
    // buffered here (see read_raw) come first.
    int native_handle() const { return fd_; }

    // Closes with SO_LINGER 0: the kernel sends RST, as a crashed client would.
    void reset();
    // Closes normally: the kernel sends FIN.
    void close();

    static constexpr std::size_t max_line_bytes = 1 << 20;

private:
    // Waits for readable data and appends it to inbox_; false on timeout,
    // EOF or error (EOF and reset set peer_closed_).
    bool fill(std::chrono::steady_clock::time_point deadline);
    // Parses one line out of inbox_, telnet-aware; nullopt if incomplete.
    std::optional<std::string> take_line();

    int fd_ = -1;
    std::string inbox_;    // bytes received and not yet consumed
    std::string partial_;  // the line being assembled from inbox_
    std::vector<std::string> telnet_;
    std::vector<std::string> skipped_;
    bool peer_closed_ = false;
    bool overflowed_ = false;
};

}  // namespace natter::test
