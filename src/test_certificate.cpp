#include "src/test_certificate.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fmt/format.h>

namespace natter {
namespace {

struct Free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
    void operator()(X509* x) const { X509_free(x); }
    void operator()(BIO* b) const { BIO_free(b); }
    void operator()(X509_EXTENSION* e) const { X509_EXTENSION_free(e); }
};

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const auto length = BIO_get_mem_data(bio, &data);
    return {data, static_cast<std::size_t>(length > 0 ? length : 0)};
}

bool add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, Free> extension{X509V3_EXT_conf_nid(nullptr, &ctx, nid, value)};
    return extension && X509_add_ext(cert, extension.get(), -1) == 1;
}

Result<void> write_new_file(const std::filesystem::path& path, const std::string& text) {
    // O_EXCL: an existing certificate is never replaced.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return fail(fmt::format("{}: {}", path.string(), std::strerror(errno)));
    std::size_t done = 0;
    while (done < text.size()) {
        const auto wrote = ::write(fd, text.data() + done, text.size() - done);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) {
            const int error = errno;
            ::close(fd);
            return fail(fmt::format("{}: {}", path.string(), std::strerror(error)));
        }
        done += static_cast<std::size_t>(wrote);
    }
    if (::close(fd) != 0) return fail(fmt::format("{}: {}", path.string(), std::strerror(errno)));
    return {};
}

}  // namespace

Result<TestCertificate> make_test_certificate() {
    ERR_clear_error();
    std::unique_ptr<EVP_PKEY, Free> key{EVP_EC_gen("P-256")};
    std::unique_ptr<X509, Free> cert{X509_new()};
    if (!key || !cert) return fail("cannot make a key");
    X509_set_version(cert.get(), 2);  // v3, for the extensions
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7F;  // positive
    BIGNUM* number = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(number, X509_get_serialNumber(cert.get()));
    BN_free(number);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60 * 60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 60 * 60);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("natter test certificate"),
                               -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                               0);
    X509_set_issuer_name(cert.get(), name);
    if (!add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1") ||
        !add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
        !add_extension(cert.get(), NID_ext_key_usage, "serverAuth") ||
        X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
        ERR_clear_error();
        return fail("cannot sign the test certificate");
    }
    std::unique_ptr<BIO, Free> cert_out{BIO_new(BIO_s_mem())};
    std::unique_ptr<BIO, Free> key_out{BIO_new(BIO_s_mem())};
    if (PEM_write_bio_X509(cert_out.get(), cert.get()) != 1 ||
        PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        ERR_clear_error();
        return fail("cannot write the test certificate");
    }
    return TestCertificate{bio_text(cert_out.get()), bio_text(key_out.get())};
}

Result<std::pair<std::filesystem::path, std::filesystem::path>> write_test_certificate(
    const std::filesystem::path& dir) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) return fail(fmt::format("{}: {}", dir.string(), error.message()));
    const auto cert_path = dir / "cert.pem";
    const auto key_path = dir / "key.pem";
    for (const auto& path : {cert_path, key_path}) {
        if (std::filesystem::exists(path, error)) {
            return fail(fmt::format("{} exists: not replaced (clients that pinned it would refuse a new one)",
                                    path.string()));
        }
    }
    auto made = make_test_certificate();
    if (!made) return tl::unexpected{made.error()};
    if (auto wrote = write_new_file(key_path, made->key_pem); !wrote) return tl::unexpected{wrote.error()};
    if (auto wrote = write_new_file(cert_path, made->cert_pem); !wrote) return tl::unexpected{wrote.error()};
    OPENSSL_cleanse(made->key_pem.data(), made->key_pem.size());
    return std::pair{cert_path, key_path};
}

}  // namespace natter
