// The server side of TLS for every tls = true listener: one OpenSSL context
// made from [tls] cert and key, with natter's policy (TLS 1.2 at least, no
// renegotiation, no compression, no session tickets or cache, small
// buffers). Loading checks what an operator gets wrong — a file that cannot
// be read, one that is not PEM, a key that is not the certificate's — and
// names the file. Live connections keep a reference to the context they
// were made with, so a reload swaps in a new one without touching them.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "src/config.hpp"
#include "src/error.hpp"

using SSL_CTX = struct ssl_ctx_st;

namespace natter {

class TlsContext {
public:
    // Reads and checks the certificate (chain) and key that `tls` names;
    // relative paths are taken from `base` (the configuration's directory).
    [[nodiscard]] static Result<std::shared_ptr<const TlsContext>> load(const Config::Tls& tls,
                                                                        const std::filesystem::path& base = {});
    // What `config`, read from `config_path`, needs: the context when a
    // listener has tls = true, nullptr when none has.
    [[nodiscard]] static Result<std::shared_ptr<const TlsContext>> for_config(const Config& config,
                                                                              const std::string& config_path);
    // The same from PEM text in memory (tests, the fuzzer).
    [[nodiscard]] static Result<std::shared_ptr<const TlsContext>> from_pem(std::string_view cert_pem,
                                                                            std::string_view key_pem,
                                                                            Config::Tls::Version min_version);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    [[nodiscard]] SSL_CTX* native() const { return ctx_; }
    // The certificate's subject and expiry, for the log.
    [[nodiscard]] const std::string& description() const { return description_; }

private:
    explicit TlsContext(SSL_CTX* ctx) : ctx_{ctx} {}
    static std::shared_ptr<const TlsContext> wrap(SSL_CTX* ctx);

    SSL_CTX* ctx_;
    std::string description_;
};

}  // namespace natter
