// bench/tls_session.cpp — the generator's TLS client on memory BIOs.
#include "bench/tls_session.hpp"

#include <openssl/err.h>

#include <stdexcept>

namespace natter::bench {
namespace {

// What OpenSSL's error queue says, emptied; `fallback` when it is empty.
std::string take_openssl_errors(std::string_view fallback) {
    std::string text;
    while (const unsigned long code = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        if (!text.empty()) {
            text += "; ";
        }
        text += buf;
    }
    return text.empty() ? std::string{fallback} : text;
}

}  // namespace

TlsContext::TlsContext() : ctx_{SSL_CTX_new(TLS_client_method())} {
    if (!ctx_) {
        throw std::runtime_error{"SSL_CTX_new: " + take_openssl_errors("failed")};
    }
    // The server's certificate is a self-signed test one on loopback.
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
    // Every client makes a full handshake: nothing is resumed, which is
    // what a crowd of distinct clients costs the server.
    SSL_CTX_set_session_cache_mode(ctx_.get(), SSL_SESS_CACHE_OFF);
}

TlsSession::TlsSession(const TlsContext& context) : ssl_{SSL_new(context.get())} {
    if (!ssl_) {
        throw std::runtime_error{"SSL_new: " + take_openssl_errors("failed")};
    }
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    if (in_ == nullptr || out_ == nullptr) {
        BIO_free(in_);
        BIO_free(out_);
        throw std::runtime_error{"BIO_new: " + take_openssl_errors("failed")};
    }
    // An empty memory BIO means "no data yet", not end of stream.
    BIO_set_mem_eof_return(in_, -1);
    SSL_set_bio(ssl_.get(), in_, out_);
    SSL_set_connect_state(ssl_.get());
}

void TlsSession::feed(std::string_view ciphertext) {
    // A memory BIO takes any amount (it grows), so one write is all of it.
    (void)BIO_write(in_, ciphertext.data(), static_cast<int>(ciphertext.size()));
}

TlsSession::Step TlsSession::handshake() {
    const int ret = SSL_do_handshake(ssl_.get());
    if (ret == 1) {
        return Step::done;
    }
    if (SSL_get_error(ssl_.get(), ret) == SSL_ERROR_WANT_READ) {
        return Step::more;
    }
    (void)fail(ret, "handshake");
    return Step::error;
}

bool TlsSession::read(std::string& plain) {
    constexpr std::size_t chunk = std::size_t{16} << 10;  // one record's plaintext at most
    for (;;) {
        const std::size_t start = plain.size();
        plain.resize(start + chunk);
        std::size_t got = 0;
        const int ret = SSL_read_ex(ssl_.get(), plain.data() + start, chunk, &got);
        plain.resize(start + got);
        if (ret == 1) {
            continue;
        }
        if (SSL_get_error(ssl_.get(), ret) == SSL_ERROR_WANT_READ) {
            return true;
        }
        return fail(ret, "read");
    }
}

bool TlsSession::write(std::string_view plain) {
    if (plain.empty()) {
        return true;
    }
    std::size_t written = 0;
    const int ret = SSL_write_ex(ssl_.get(), plain.data(), plain.size(), &written);
    return ret == 1 ? true : fail(ret, "write");
}

void TlsSession::take_output(std::string& out) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(out_, &data);
    if (size > 0) {
        out.append(data, static_cast<std::size_t>(size));
        (void)BIO_reset(out_);
    }
}

bool TlsSession::has_output() const noexcept { return BIO_ctrl_pending(out_) > 0; }

std::string_view TlsSession::version() const noexcept { return SSL_get_version(ssl_.get()); }

std::string_view TlsSession::cipher() const noexcept {
    const char* name = SSL_get_cipher_name(ssl_.get());
    return name == nullptr ? std::string_view{} : std::string_view{name};
}

bool TlsSession::fail(int ret, std::string_view what) {
    const int code = SSL_get_error(ssl_.get(), ret);
    std::string why;
    if (code == SSL_ERROR_ZERO_RETURN) {
        why = "server sent close_notify";
    } else if (code == SSL_ERROR_SYSCALL) {
        why = take_openssl_errors("unexpected end of the TLS stream");
    } else {
        why = take_openssl_errors("SSL error " + std::to_string(code));
    }
    error_ = "tls " + std::string{what} + ": " + why;
    return false;
}

}  // namespace natter::bench
