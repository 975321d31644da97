// bench/tls_session.hpp — one load-generator client's TLS session over
// memory BIOs: the pool reads and writes the socket itself (so each read
// keeps its kernel receive stamp and epoll sees every byte), feeds what it
// read in here, and sends what comes out. No certificate is verified: the
// generator talks to a server on loopback that uses a test certificate.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace natter::bench {

// The client SSL_CTX every session of a run shares.
class TlsContext {
public:
    // Throws std::runtime_error when OpenSSL cannot make a context.
    TlsContext();
    [[nodiscard]] SSL_CTX* get() const noexcept { return ctx_.get(); }

private:
    struct Free {
        void operator()(SSL_CTX* ctx) const noexcept { SSL_CTX_free(ctx); }
    };
    std::unique_ptr<SSL_CTX, Free> ctx_;
};

class TlsSession {
public:
    enum class Step : std::uint8_t { more, done, error };

    explicit TlsSession(const TlsContext& context);

    // Ciphertext read from the socket.
    void feed(std::string_view ciphertext);
    // Advances the handshake: `done` once it is complete, `more` while it
    // waits for the server (send what take_output gives either way).
    [[nodiscard]] Step handshake();
    // Appends the plaintext of every whole record fed so far to `plain`.
    // False on a TLS error or the server's close_notify (see error()).
    [[nodiscard]] bool read(std::string& plain);
    // Encrypts `plain` (memory BIOs never block, so all of it). False on error.
    [[nodiscard]] bool write(std::string_view plain);
    // Moves the ciphertext waiting to be sent to the end of `out`.
    void take_output(std::string& out);
    [[nodiscard]] bool has_output() const noexcept;

    [[nodiscard]] const std::string& error() const noexcept { return error_; }
    // The negotiated protocol and cipher ("TLSv1.3", "TLS_AES_256_GCM_SHA384").
    [[nodiscard]] std::string_view version() const noexcept;
    [[nodiscard]] std::string_view cipher() const noexcept;

private:
    // Records why the last call failed; false always, for `return fail(...)`.
    bool fail(int ret, std::string_view what);

    struct Free {
        void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
    };
    std::unique_ptr<SSL, Free> ssl_;
    BIO* in_ = nullptr;   // owned by ssl_
    BIO* out_ = nullptr;  // owned by ssl_
    std::string error_;
};

}  // namespace natter::bench
