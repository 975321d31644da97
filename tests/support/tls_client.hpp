// A TLS client for tests, over a TcpClient: OpenSSL on memory BIOs, the
// ciphertext moved by the TcpClient's bounded sends and reads, so every wait
// ends after its timeout like the plain client's. Trusts any certificate
// (the tests' are self-signed) but reports what it saw: protocol, ALPN, the
// certificate's fingerprint, whether the server sent close_notify.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "tests/support/tcp_client.hpp"
#include "tests/support/timeouts.hpp"

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;
using BIO = struct bio_st;

namespace natter::test {

struct TlsOptions {
    int max_version = 0;    // e.g. TLS1_2_VERSION; 0: the newest
    std::string alpn;       // protocols offered, comma-separated ("h2,http/1.1"); empty: none
};

class TlsClient {
public:
    explicit TlsClient(std::uint16_t port, TlsOptions options = {});
    ~TlsClient();
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    // Runs the handshake; false (see error()) when it fails or times out.
    // handshake(Millis{0}) only sends the ClientHello; call it again to finish.
    bool handshake(Millis timeout = default_timeout);
    [[nodiscard]] const std::string& error() const { return error_; }
    // "TLSv1.3", the ALPN protocol agreed ("" for none), the SHA-256 of the
    // server's certificate in hex.
    [[nodiscard]] std::string protocol() const;
    [[nodiscard]] std::string alpn() const;
    [[nodiscard]] std::string fingerprint() const;

    bool send(std::string_view plain);
    bool send_line(std::string_view text) { return send(std::string{text} + "\r\n"); }
    // Decrypted bytes that arrive within the timeout (empty: none).
    std::string read_plain(Millis timeout = default_timeout);
    // The next line without CR LF; telnet commands are dropped.
    std::optional<std::string> read_line(Millis timeout = default_timeout);
    LineCheck expect_line(std::string_view expected, Millis timeout = default_timeout);
    std::optional<std::string> read_until(const std::function<bool(std::string_view)>& match,
                                          Millis timeout = default_timeout);
    // Reads plaintext until it holds `needle`; everything read, or nullopt.
    std::optional<std::string> read_plain_until(std::string_view needle, Millis timeout = default_timeout);

    // Sends close_notify.
    void close_notify();
    // True once the server ended the connection (close_notify or EOF)
    // within the timeout; plaintext arriving meanwhile is kept.
    bool wait_closed(Millis timeout = default_timeout);
    [[nodiscard]] bool got_close_notify() const { return got_close_notify_; }

    [[nodiscard]] TcpClient& tcp() { return tcp_; }

private:
    // Sends what OpenSSL wrote; reads once (bounded) and feeds it in.
    bool flush_wire();
    bool pump(Millis timeout);
    void drain_plain();

    TcpClient tcp_;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    BIO* in_ = nullptr;
    BIO* out_ = nullptr;
    std::string plain_;  // decrypted, not yet consumed
    std::string error_;
    bool got_close_notify_ = false;
    bool eof_ = false;
};

}  // namespace natter::test
