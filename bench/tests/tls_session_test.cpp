// bench/tests/tls_session_test.cpp — TlsSession against an OpenSSL server
// on memory BIOs, no sockets: the handshake with the ciphertext handed over
// one byte at a time, lines both ways, a server write of many records read
// in pieces, the server's close_notify and a stream that is not TLS at all.
#include "bench/tls_session.hpp"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

namespace natter::bench {
namespace {

// A TLS server with a throwaway self-signed P-256 certificate, its records
// going through memory BIOs the test moves by hand.
class TestServer {
public:
    TestServer() {
        key_.reset(EVP_EC_gen("P-256"));
        REQUIRE(key_);
        cert_.reset(X509_new());
        REQUIRE(cert_);
        ASN1_INTEGER_set(X509_get_serialNumber(cert_.get()), 1);
        X509_gmtime_adj(X509_getm_notBefore(cert_.get()), 0);
        X509_gmtime_adj(X509_getm_notAfter(cert_.get()), 3600);
        X509_set_pubkey(cert_.get(), key_.get());
        X509_NAME* name = X509_get_subject_name(cert_.get());
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"),
                                   -1, -1, 0);
        X509_set_issuer_name(cert_.get(), name);
        REQUIRE(X509_sign(cert_.get(), key_.get(), EVP_sha256()) > 0);
        ctx_.reset(SSL_CTX_new(TLS_server_method()));
        REQUIRE(ctx_);
        REQUIRE(SSL_CTX_use_certificate(ctx_.get(), cert_.get()) == 1);
        REQUIRE(SSL_CTX_use_PrivateKey(ctx_.get(), key_.get()) == 1);
        ssl_.reset(SSL_new(ctx_.get()));
        in_ = BIO_new(BIO_s_mem());
        out_ = BIO_new(BIO_s_mem());
        BIO_set_mem_eof_return(in_, -1);
        SSL_set_bio(ssl_.get(), in_, out_);
        SSL_set_accept_state(ssl_.get());
    }

    void feed(std::string_view bytes) { BIO_write(in_, bytes.data(), static_cast<int>(bytes.size())); }
    std::string take() {
        std::string out;
        char buf[4096];
        int n = 0;
        while ((n = BIO_read(out_, buf, sizeof buf)) > 0) {
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }
    bool accept() { return SSL_do_handshake(ssl_.get()) == 1; }
    std::string read() {
        std::string out;
        char buf[4096];
        std::size_t got = 0;
        while (SSL_read_ex(ssl_.get(), buf, sizeof buf, &got) == 1) {
            out.append(buf, got);
        }
        return out;
    }
    void write(std::string_view text) {
        std::size_t written = 0;
        REQUIRE(SSL_write_ex(ssl_.get(), text.data(), text.size(), &written) == 1);
    }
    void close() { (void)SSL_shutdown(ssl_.get()); }

private:
    struct FreeKey {
        void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
    };
    struct FreeCert {
        void operator()(X509* c) const { X509_free(c); }
    };
    struct FreeCtx {
        void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
    };
    struct FreeSsl {
        void operator()(SSL* s) const { SSL_free(s); }
    };
    std::unique_ptr<EVP_PKEY, FreeKey> key_;
    std::unique_ptr<X509, FreeCert> cert_;
    std::unique_ptr<SSL_CTX, FreeCtx> ctx_;
    std::unique_ptr<SSL, FreeSsl> ssl_;
    BIO* in_ = nullptr;
    BIO* out_ = nullptr;
};

// Runs the handshake to its end, the client's bytes reaching the server
// whole and the server's reaching the client one byte per feed.
void handshake(TlsSession& client, TestServer& server) {
    TlsSession::Step step = client.handshake();
    for (int round = 0; round < 10 && step != TlsSession::Step::done; ++round) {
        REQUIRE(step == TlsSession::Step::more);
        std::string hello;
        client.take_output(hello);
        server.feed(hello);
        (void)server.accept();
        for (const char byte : server.take()) {
            client.feed(std::string_view{&byte, 1});
            step = client.handshake();
            REQUIRE(step != TlsSession::Step::error);
        }
    }
    REQUIRE(step == TlsSession::Step::done);
    std::string finished;
    client.take_output(finished);
    server.feed(finished);
    REQUIRE(server.accept());
}

TEST_CASE("TlsSession: handshake fed a byte at a time, then lines both ways") {
    const TlsContext context;
    TestServer server;
    TlsSession client{context};
    handshake(client, server);
    CHECK(client.version() == "TLSv1.3");
    CHECK_FALSE(client.cipher().empty());

    REQUIRE(client.write("login alice\r\nzsync0\r\n"));
    CHECK(client.has_output());
    std::string sealed;
    client.take_output(sealed);
    CHECK_FALSE(client.has_output());
    CHECK(sealed.find("login") == std::string::npos);  // it is encrypted
    server.feed(sealed);
    CHECK(server.read() == "login alice\r\nzsync0\r\n");

    // Several records (16 KiB each at most), handed over in uneven pieces.
    std::string big;
    for (int i = 0; big.size() < 50'000; ++i) {
        big += "alice: b 1 " + std::to_string(i) + " 12345\r\n";
    }
    server.write("Welcome to BenchChat\r\n");
    server.write(big);
    const std::string records = server.take();
    std::string plain;
    for (std::size_t at = 0; at < records.size(); at += 777) {
        client.feed(std::string_view{records}.substr(at, 777));
        REQUIRE(client.read(plain));
    }
    CHECK(plain == "Welcome to BenchChat\r\n" + big);
}

TEST_CASE("TlsSession: the server's close_notify ends the stream") {
    const TlsContext context;
    TestServer server;
    TlsSession client{context};
    handshake(client, server);
    server.write("Goodbye.\r\n");
    server.close();
    client.feed(server.take());
    std::string plain;
    CHECK_FALSE(client.read(plain));
    CHECK(plain == "Goodbye.\r\n");
    CHECK(client.error().find("close_notify") != std::string::npos);
}

TEST_CASE("TlsSession: a server that does not speak TLS fails the handshake") {
    const TlsContext context;
    TlsSession client{context};
    REQUIRE(client.handshake() == TlsSession::Step::more);
    client.feed("Welcome to BenchChat\r\nPlease log in.\r\n");
    CHECK(client.handshake() == TlsSession::Step::error);
    CHECK(client.error().starts_with("tls handshake: "));
}

}  // namespace
}  // namespace natter::bench
