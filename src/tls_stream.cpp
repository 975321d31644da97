#include "src/tls_stream.hpp"

#include <array>

#include <openssl/buffer.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fmt/format.h>

namespace natter {
namespace {

std::string first_error() {
    const auto code = ERR_peek_error();
    const char* reason = code == 0 ? nullptr : ERR_reason_error_string(code);
    ERR_clear_error();
    return reason == nullptr ? std::string{"protocol error"} : std::string{reason};
}

// What a memory BIO may keep between bursts: one record and a bit.
constexpr std::size_t retained_bio_bytes = 20 * 1024;

BIO* new_memory_bio() {
    BIO* bio = BIO_new(BIO_s_mem());
    // Reading an empty BIO means "no more yet", not end of file.
    BIO_set_mem_eof_return(bio, -1);
    return bio;
}

}  // namespace

TlsStream::TlsStream(std::shared_ptr<const TlsContext> context, bool web, Clock::time_point opened)
    : context_{std::move(context)}, opened_{opened} {
    ssl_ = SSL_new(context_->native());
    in_ = new_memory_bio();
    out_ = new_memory_bio();
    SSL_set_bio(ssl_, in_, out_);
    SSL_set_accept_state(ssl_);
    if (web) SSL_set_app_data(ssl_, this);  // tells the ALPN callback this is HTTP
}

TlsStream::~TlsStream() { SSL_free(ssl_); }

TlsStream::Status TlsStream::fail(std::string reason) {
    done_ = true;
    failed_ = true;
    reason_ = std::move(reason);
    drain();  // the alert OpenSSL wrote, if any
    return Status::failed;
}

void TlsStream::drain() {
    const auto pending = BIO_ctrl_pending(out_);
    if (pending > 0) {
        const auto old = wire_.size();
        wire_.resize(old + pending);
        const int got = BIO_read(out_, wire_.data() + old, static_cast<int>(pending));
        wire_.resize(old + static_cast<std::size_t>(got > 0 ? got : 0));
    }
    // A memory BIO keeps the largest buffer it ever needed; an idle
    // connection after a burst should not, so big ones are replaced.
    BUF_MEM* buffer = nullptr;
    if (BIO_get_mem_ptr(out_, &buffer) == 1 && buffer != nullptr && buffer->max > retained_bio_bytes &&
        BIO_ctrl_pending(out_) == 0) {
        out_ = new_memory_bio();
        SSL_set0_wbio(ssl_, out_);  // frees the old one
    }
    if (BIO_get_mem_ptr(in_, &buffer) == 1 && buffer != nullptr && buffer->max > retained_bio_bytes &&
        BIO_ctrl_pending(in_) == 0) {
        in_ = new_memory_bio();
        SSL_set0_rbio(ssl_, in_);
    }
}

TlsStream::Status TlsStream::receive(std::string_view cipher, std::string& plain) {
    if (done_) return Status::ok;
    if (!cipher.empty() && BIO_write(in_, cipher.data(), static_cast<int>(cipher.size())) != static_cast<int>(cipher.size())) {
        return fail("out of memory");
    }
    ERR_clear_error();
    if (!established_) {
        const int result = SSL_do_handshake(ssl_);
        if (result != 1) {
            const int error = SSL_get_error(ssl_, result);
            if (error == SSL_ERROR_WANT_READ) {
                drain();
                return Status::ok;
            }
            if (error == SSL_ERROR_ZERO_RETURN) return fail("closed during the TLS handshake");
            return fail(fmt::format("TLS handshake failed: {}", first_error()));
        }
        established_ = true;
    }
    // TLS 1.3 clients send data right behind Finished: always read on.
    std::array<char, 16 * 1024> buffer;
    while (true) {
        ERR_clear_error();
        const int got = SSL_read(ssl_, buffer.data(), static_cast<int>(buffer.size()));
        if (got > 0) {
            plain.append(buffer.data(), static_cast<std::size_t>(got));
            continue;
        }
        const int error = SSL_get_error(ssl_, got);
        if (error == SSL_ERROR_WANT_READ) break;
        if (error == SSL_ERROR_ZERO_RETURN) {
            done_ = true;
            reason_ = "peer closed (close_notify)";
            close();
            return Status::closed;
        }
        OPENSSL_cleanse(buffer.data(), buffer.size());
        return fail(fmt::format("TLS error: {}", first_error()));
    }
    // What was read may have been a password.
    OPENSSL_cleanse(buffer.data(), buffer.size());
    drain();
    return Status::ok;
}

void TlsStream::send(std::string_view plain) {
    if (!established_ || close_sent_ || failed_ || plain.empty()) return;
    ERR_clear_error();
    // Memory BIOs grow as needed, so SSL_write takes everything at once.
    if (SSL_write(ssl_, plain.data(), static_cast<int>(plain.size())) <= 0) {
        fail(fmt::format("TLS error: {}", first_error()));
        return;
    }
    drain();
}

void TlsStream::close() {
    if (close_sent_) return;
    close_sent_ = true;
    if (!established_) return;  // nothing to say to a peer that never finished
    ERR_clear_error();
    SSL_shutdown(ssl_);
    ERR_clear_error();
    drain();
}

std::string TlsStream::description() const {
    if (!established_) return "TLS (handshake)";
    return fmt::format("{} {}", SSL_get_version(ssl_), SSL_CIPHER_get_name(SSL_get_current_cipher(ssl_)));
}

}  // namespace natter
