// One TLS connection, server side, with no socket: ciphertext from the peer
// goes in, plaintext for the codec (telnet or HTTP/WebSocket) comes out,
// and the reverse: plaintext to send is sealed into records waiting in
// wire(). OpenSSL works on two memory BIOs, so it never reads or writes a
// descriptor and never blocks; the network layer moves wire() to the
// socket in its once-per-iteration flush, like any outbox.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "src/tls_context.hpp"

using SSL = struct ssl_st;
using BIO = struct bio_st;

namespace natter {

class TlsStream {
public:
    enum class Status {
        ok,      // go on (the handshake may still be under way)
        closed,  // the peer sent close_notify: answer it, flush, close
        failed,  // a broken or hostile peer: flush wire() (an alert) and close
    };

    using Clock = std::chrono::steady_clock;

    // `web`: the connection is HTTP, so ALPN may agree on http/1.1.
    // `opened`: when the handshake began, for its timeout.
    TlsStream(std::shared_ptr<const TlsContext> context, bool web, Clock::time_point opened = {});
    ~TlsStream();
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    // Takes ciphertext, split anywhere; appends what it decrypts to `plain`.
    [[nodiscard]] Status receive(std::string_view cipher, std::string& plain);
    // Seals `plain` into wire(). Only once established(): before that the
    // caller keeps its output (OpenSSL takes none mid-handshake).
    void send(std::string_view plain);
    // Sends close_notify (once) into wire().
    void close();

    // Ciphertext for the peer, from the front; the caller erases what the
    // kernel took.
    [[nodiscard]] std::string& wire() { return wire_; }
    [[nodiscard]] bool established() const { return established_; }
    [[nodiscard]] Clock::time_point opened() const { return opened_; }
    [[nodiscard]] bool close_sent() const { return close_sent_; }
    // A send or receive failed: flush wire() and close.
    [[nodiscard]] bool failed() const { return failed_; }
    // Why the stream failed or closed, in words for the log.
    [[nodiscard]] const std::string& reason() const { return reason_; }
    // "TLSv1.3 TLS_AES_256_GCM_SHA384", once established.
    [[nodiscard]] std::string description() const;

private:
    Status fail(std::string reason);
    void drain();

    std::shared_ptr<const TlsContext> context_;  // outlives ssl_, which was made from it
    SSL* ssl_ = nullptr;
    BIO* in_ = nullptr;   // owned by ssl_
    BIO* out_ = nullptr;  // owned by ssl_
    std::string wire_;
    std::string reason_;
    Clock::time_point opened_;
    bool established_ = false;
    bool close_sent_ = false;
    bool done_ = false;  // closed or failed: nothing more is read
    bool failed_ = false;
};

}  // namespace natter
