#include "src/tls_context.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <fmt/format.h>

namespace natter {
namespace {

// The first error OpenSSL queued, as words, and the queue emptied.
std::string openssl_reason() {
    const auto code = ERR_peek_error();
    std::string reason = code == 0 ? "unknown error" : ERR_reason_error_string(code) ? ERR_reason_error_string(code)
                                                                                      : "unknown error";
    ERR_clear_error();
    return reason;
}

// On web listeners the only protocol is HTTP/1.1: pick it when a browser
// offers it (beside h2), and agree on none otherwise.
int select_alpn(SSL* ssl, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
                unsigned in_length, void*) {
    if (SSL_get_app_data(ssl) == nullptr) return SSL_TLSEXT_ERR_NOACK;  // not a web connection
    static constexpr unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, out_length, http11, sizeof http11, in, in_length) != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

SSL_CTX* new_context(Config::Tls::Version min_version) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == nullptr) return nullptr;
    SSL_CTX_set_min_proto_version(ctx, min_version == Config::Tls::Version::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION);
    // Renegotiation is a denial-of-service lever and nothing a chat client
    // needs; compression leaks plaintext (CRIME).
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    // Chat clients keep one long connection and never resume: tickets and a
    // session cache would cost bytes and memory for nothing.
    SSL_CTX_set_num_tickets(ctx, 0);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    // Idle connections give their 16 KiB+ record buffers back.
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_alpn_select_cb(ctx, &select_alpn, nullptr);
    return ctx;
}

std::string describe(SSL_CTX* ctx) {
    X509* cert = SSL_CTX_get0_certificate(ctx);
    if (cert == nullptr) return "no certificate";
    char subject[256] = {};
    X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
    std::string expires = "?";
    if (BIO* bio = BIO_new(BIO_s_mem())) {
        if (ASN1_TIME_print(bio, X509_get0_notAfter(cert)) == 1) {
            char* data = nullptr;
            const auto length = BIO_get_mem_data(bio, &data);
            expires.assign(data, static_cast<std::size_t>(length));
        }
        BIO_free(bio);
    }
    return fmt::format("{}, valid until {}", subject, expires);
}

// A file's text, or why it cannot be read, naming it.
Result<std::string> read_file(std::string_view what, const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return fail(fmt::format("[tls] {} {}: cannot be read ({})", what, path, std::strerror(errno)));
    std::string text;
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
        text.append(buffer, got);
        if (text.size() > (1U << 20)) {
            std::fclose(file);
            return fail(fmt::format("[tls] {} {}: larger than 1 MiB, not a PEM file", what, path));
        }
    }
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) return fail(fmt::format("[tls] {} {}: cannot be read", what, path));
    return text;
}

struct FreeContext {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using ContextPtr = std::unique_ptr<SSL_CTX, FreeContext>;

Result<ContextPtr> build(std::string_view cert_pem, std::string_view key_pem, Config::Tls::Version min_version,
                         std::string_view cert_name, std::string_view key_name);

}  // namespace

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

Result<std::shared_ptr<const TlsContext>> TlsContext::load(const Config::Tls& tls, const std::filesystem::path& base) {
    const auto resolve = [&](const std::string& path) { return (base / std::filesystem::path{path}).string(); };
    const auto cert_path = resolve(tls.cert);
    const auto key_path = resolve(tls.key);
    auto cert = read_file("cert", cert_path);
    if (!cert) return tl::unexpected{cert.error()};
    auto key = read_file("key", key_path);
    if (!key) return tl::unexpected{key.error()};
    auto ctx = build(*cert, *key, tls.min_version, "cert " + cert_path, "key " + key_path);
    // The key's text is a secret: leave none of it in freed memory.
    OPENSSL_cleanse(key->data(), key->size());
    if (!ctx) return tl::unexpected{ctx.error()};
    return wrap(ctx->release());
}

Result<std::shared_ptr<const TlsContext>> TlsContext::for_config(const Config& config,
                                                                 const std::string& config_path) {
    const bool needed =
        std::any_of(config.listeners.begin(), config.listeners.end(), [](const auto& l) { return l.tls; });
    if (!needed) return std::shared_ptr<const TlsContext>{};
    return load(config.tls, std::filesystem::path{config_path}.parent_path());
}

Result<std::shared_ptr<const TlsContext>> TlsContext::from_pem(std::string_view cert_pem, std::string_view key_pem,
                                                               Config::Tls::Version min_version) {
    auto ctx = build(cert_pem, key_pem, min_version, "certificate", "key");
    if (!ctx) return tl::unexpected{ctx.error()};
    return wrap(ctx->release());
}

std::shared_ptr<const TlsContext> TlsContext::wrap(SSL_CTX* ctx) {
    std::shared_ptr<TlsContext> context{new TlsContext{ctx}};
    context->description_ = describe(ctx);
    return context;
}

namespace {

Result<ContextPtr> build(std::string_view cert_pem, std::string_view key_pem, Config::Tls::Version min_version,
                         std::string_view cert_name, std::string_view key_name) {
    ERR_clear_error();
    struct Free {
        void operator()(BIO* bio) const { BIO_free(bio); }
        void operator()(X509* x) const { X509_free(x); }
        void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
    };
    ContextPtr ctx{new_context(min_version)};
    if (!ctx) return fail(fmt::format("[tls] cannot make a TLS context: {}", openssl_reason()));

    std::unique_ptr<BIO, Free> certs{BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()))};
    std::unique_ptr<X509, Free> leaf{PEM_read_bio_X509_AUX(certs.get(), nullptr, nullptr, nullptr)};
    if (!leaf) return fail(fmt::format("[tls] {}: no PEM certificate in it ({})", cert_name, openssl_reason()));
    if (SSL_CTX_use_certificate(ctx.get(), leaf.get()) != 1) {
        return fail(fmt::format("[tls] {}: the certificate is refused ({})", cert_name, openssl_reason()));
    }
    // The rest of the file is the chain, leaf's issuer first.
    while (X509* link = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
        if (SSL_CTX_add0_chain_cert(ctx.get(), link) != 1) {
            X509_free(link);
            return fail(fmt::format("[tls] {}: a chain certificate is refused ({})", cert_name, openssl_reason()));
        }
    }
    ERR_clear_error();  // the end of the file reads as "no start line"

    std::unique_ptr<BIO, Free> key_bio{BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()))};
    std::unique_ptr<EVP_PKEY, Free> key{PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr)};
    if (!key) {
        return fail(fmt::format("[tls] {}: no unencrypted PEM private key in it ({})", key_name, openssl_reason()));
    }
    if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 || SSL_CTX_check_private_key(ctx.get()) != 1) {
        ERR_clear_error();
        return fail(fmt::format("[tls] {} does not match the {}", key_name, cert_name));
    }
    return ctx;
}

}  // namespace

}  // namespace natter
