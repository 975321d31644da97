#include "tests/support/tls_client.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <chrono>
#include <stdexcept>

#include <utility>

namespace natter::test {
namespace {

using Clock = std::chrono::steady_clock;

Millis left(Clock::time_point deadline) {
    const auto ms = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    return ms.count() > 0 ? ms : Millis{0};
}

std::string openssl_error() {
    const auto code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "no OpenSSL error queued";
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    return text.data();
}

// A line without telnet commands (a mud listener negotiates).
std::string without_telnet(std::string_view line) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto byte = static_cast<unsigned char>(line[i]);
        if (byte != 255) {
            out.push_back(line[i]);
            continue;
        }
        if (i + 1 >= line.size()) break;
        const auto command = static_cast<unsigned char>(line[i + 1]);
        if (command == 255) {
            out.push_back(line[i]);
            ++i;
        } else if (command == 250) {
            const auto end = line.find("\xff\xf0", i + 2);
            i = end == std::string_view::npos ? line.size() : end + 1;
        } else {
            i += command >= 251 ? 2 : 1;
        }
    }
    return out;
}

}  // namespace

TlsClient::TlsClient(std::uint16_t port, TlsOptions options) : tcp_{port} {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr) throw std::runtime_error("SSL_CTX_new: " + openssl_error());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);  // self-signed test certificates
    if (options.max_version != 0) SSL_CTX_set_max_proto_version(ctx_, options.max_version);
    ssl_ = SSL_new(ctx_);
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);
    SSL_set_bio(ssl_, in_, out_);
    SSL_set_connect_state(ssl_);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    if (!options.alpn.empty()) {
        std::string wire;
        std::string_view rest{options.alpn};
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const auto name = rest.substr(0, comma);
            wire.push_back(static_cast<char>(name.size()));
            wire.append(name);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
        SSL_set_alpn_protos(ssl_, reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned>(wire.size()));
    }
}

TlsClient::~TlsClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
}

bool TlsClient::flush_wire() {
    std::array<char, 16 * 1024> buffer{};
    while (BIO_ctrl_pending(out_) > 0) {
        const int got = BIO_read(out_, buffer.data(), static_cast<int>(buffer.size()));
        if (got <= 0) break;
        if (!tcp_.send({buffer.data(), static_cast<std::size_t>(got)})) return false;
    }
    return true;
}

bool TlsClient::pump(Millis timeout) {
    if (!flush_wire()) return false;
    if (eof_) return false;
    const auto raw = tcp_.read_raw(timeout);
    if (raw.empty()) {
        if (tcp_.peer_closed()) eof_ = true;
        return false;
    }
    BIO_write(in_, raw.data(), static_cast<int>(raw.size()));
    return true;
}

void TlsClient::drain_plain() {
    std::array<char, 16 * 1024> buffer{};
    while (!got_close_notify_) {
        const int got = SSL_read(ssl_, buffer.data(), static_cast<int>(buffer.size()));
        if (got > 0) {
            plain_.append(buffer.data(), static_cast<std::size_t>(got));
            continue;
        }
        const int error = SSL_get_error(ssl_, got);
        if (error == SSL_ERROR_ZERO_RETURN) got_close_notify_ = true;
        if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_ZERO_RETURN && error_.empty()) {
            error_ = openssl_error();
        }
        break;
    }
    flush_wire();  // a key update or our close_notify reply
}

bool TlsClient::handshake(Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        const int result = SSL_do_handshake(ssl_);
        if (result == 1) return flush_wire();
        const int error = SSL_get_error(ssl_, result);
        if (error != SSL_ERROR_WANT_READ) {
            error_ = openssl_error();
            flush_wire();
            return false;
        }
        flush_wire();  // with no time left, the ClientHello still goes out
        if (left(deadline).count() == 0) {
            error_ = "handshake timed out";
            return false;
        }
        if (!pump(left(deadline)) && eof_) {
            error_ = "the server closed the connection during the handshake";
            return false;
        }
    }
}

std::string TlsClient::protocol() const { return SSL_get_version(ssl_); }

std::string TlsClient::alpn() const {
    const unsigned char* data = nullptr;
    unsigned length = 0;
    SSL_get0_alpn_selected(ssl_, &data, &length);
    return {reinterpret_cast<const char*>(data), length};
}

std::string TlsClient::fingerprint() const {
    X509* cert = SSL_get1_peer_certificate(ssl_);
    if (cert == nullptr) return {};
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned length = 0;
    X509_digest(cert, EVP_sha256(), digest.data(), &length);
    X509_free(cert);
    std::string hex;
    for (unsigned i = 0; i < length; ++i) {
        constexpr const char* digits = "0123456789abcdef";
        hex.push_back(digits[digest[i] >> 4U]);
        hex.push_back(digits[digest[i] & 15U]);
    }
    return hex;
}

bool TlsClient::send(std::string_view plain) {
    if (plain.empty()) return true;
    if (SSL_write(ssl_, plain.data(), static_cast<int>(plain.size())) <= 0) {
        error_ = openssl_error();
        return false;
    }
    return flush_wire();
}

std::string TlsClient::read_plain(Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    drain_plain();
    while (plain_.empty() && !got_close_notify_ && left(deadline).count() > 0) {
        if (!pump(left(deadline)) && eof_) break;
        drain_plain();
    }
    return std::exchange(plain_, {});
}

std::optional<std::string> TlsClient::read_line(Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        drain_plain();
        if (const auto end = plain_.find('\n'); end != std::string::npos) {
            std::string line = plain_.substr(0, end);
            plain_.erase(0, end + 1);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return without_telnet(line);
        }
        if (got_close_notify_ || eof_ || left(deadline).count() == 0) return std::nullopt;
        pump(left(deadline));
    }
}

LineCheck TlsClient::expect_line(std::string_view expected, Millis timeout) {
    LineCheck check{.ok = false, .expected = std::string{expected}, .got = read_line(timeout)};
    check.ok = check.got == expected;
    return check;
}

std::optional<std::string> TlsClient::read_until(const std::function<bool(std::string_view)>& match, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    while (left(deadline).count() > 0) {
        auto line = read_line(left(deadline));
        if (!line) return std::nullopt;
        if (match(*line)) return line;
    }
    return std::nullopt;
}

std::optional<std::string> TlsClient::read_plain_until(std::string_view needle, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string seen;
    while (true) {
        drain_plain();
        seen += std::exchange(plain_, {});
        if (seen.find(needle) != std::string::npos) return seen;
        if (got_close_notify_ || eof_ || left(deadline).count() == 0) return std::nullopt;
        pump(left(deadline));
    }
}

void TlsClient::close_notify() {
    SSL_shutdown(ssl_);
    flush_wire();
}

bool TlsClient::wait_closed(Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!got_close_notify_ && !eof_ && left(deadline).count() > 0) {
        pump(left(deadline));
        drain_plain();
    }
    return got_close_notify_ || eof_;
}

}  // namespace natter::test
