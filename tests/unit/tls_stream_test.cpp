// TlsStream and TlsContext without sockets: an OpenSSL client on memory BIOs
// talks to the server stream, the bytes between them split anywhere.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "src/test_certificate.hpp"
#include "src/tls_context.hpp"
#include "src/tls_stream.hpp"

using namespace natter;

namespace {

const TestCertificate& certificate() {
    static const TestCertificate made = [] {
        auto made = make_test_certificate();
        REQUIRE(made);
        return *made;
    }();
    return made;
}

std::shared_ptr<const TlsContext> server_context(Config::Tls::Version min = Config::Tls::Version::tls1_2) {
    auto context = TlsContext::from_pem(certificate().cert_pem, certificate().key_pem, min);
    REQUIRE_MESSAGE(context, (context ? "" : context.error().message));
    return *context;
}

// The client's end, on memory BIOs.
class Client {
public:
    explicit Client(int max_version = 0, std::string_view alpn = {}) {
        ctx_ = SSL_CTX_new(TLS_client_method());
        if (max_version != 0) SSL_CTX_set_max_proto_version(ctx_, max_version);
        ssl_ = SSL_new(ctx_);
        in_ = BIO_new(BIO_s_mem());
        out_ = BIO_new(BIO_s_mem());
        BIO_set_mem_eof_return(in_, -1);
        SSL_set_bio(ssl_, in_, out_);
        SSL_set_connect_state(ssl_);
        if (!alpn.empty()) {
            SSL_set_alpn_protos(ssl_, reinterpret_cast<const unsigned char*>(alpn.data()),
                                static_cast<unsigned>(alpn.size()));
        }
    }
    ~Client() {
        SSL_free(ssl_);
        SSL_CTX_free(ctx_);
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // What the client wants to send, taken.
    std::string wire() {
        std::string bytes(BIO_ctrl_pending(out_), '\0');
        if (!bytes.empty()) BIO_read(out_, bytes.data(), static_cast<int>(bytes.size()));
        return bytes;
    }
    void take(std::string_view bytes) { BIO_write(in_, bytes.data(), static_cast<int>(bytes.size())); }
    bool step_handshake() {
        ERR_clear_error();
        return SSL_do_handshake(ssl_) == 1;
    }
    void write(std::string_view plain) { SSL_write(ssl_, plain.data(), static_cast<int>(plain.size())); }
    std::string read() {
        std::string plain;
        char buffer[4096];
        int got = 0;
        while ((got = SSL_read(ssl_, buffer, sizeof buffer)) > 0) plain.append(buffer, static_cast<std::size_t>(got));
        closed_ = closed_ || SSL_get_error(ssl_, got) == SSL_ERROR_ZERO_RETURN;
        return plain;
    }
    bool saw_close_notify() const { return closed_; }
    void shutdown() { SSL_shutdown(ssl_); }
    bool renegotiate() { return SSL_renegotiate(ssl_) == 1; }
    // The protocol ALPN agreed on, "" for none.
    std::string alpn() const {
        const unsigned char* chosen = nullptr;
        unsigned length = 0;
        SSL_get0_alpn_selected(ssl_, &chosen, &length);
        return {reinterpret_cast<const char*>(chosen), length};
    }

private:
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    BIO* in_ = nullptr;
    BIO* out_ = nullptr;
    bool closed_ = false;
};

// Feeds `bytes` to the server `chunk` bytes at a time; the plaintext out.
TlsStream::Status feed(TlsStream& server, std::string_view bytes, std::size_t chunk, std::string& plain) {
    auto status = TlsStream::Status::ok;
    for (std::size_t at = 0; at < bytes.size() && status == TlsStream::Status::ok; at += chunk) {
        status = server.receive(bytes.substr(at, chunk), plain);
    }
    return status;
}

// Runs the handshake to the end, the server's input split every `chunk` bytes.
void handshake(Client& client, TlsStream& server, std::size_t chunk = 1 << 20) {
    std::string plain;
    for (int round = 0; round < 10 && !(server.established() && client.step_handshake()); ++round) {
        client.step_handshake();
        REQUIRE(feed(server, client.wire(), chunk, plain) == TlsStream::Status::ok);
        client.take(std::exchange(server.wire(), {}));
    }
    REQUIRE(server.established());
    REQUIRE(client.step_handshake());
    CHECK(plain.empty());
}

}  // namespace

TEST_CASE("TLS stream: handshake and data both ways, every byte a read of its own") {
    TlsStream server{server_context(), false};
    Client client;
    handshake(client, server, 1);
    CHECK(server.description().starts_with("TLSv1.3 "));

    client.write("login Ann\r\nsay hi\r\n");
    std::string plain;
    REQUIRE(feed(server, client.wire(), 1, plain) == TlsStream::Status::ok);
    CHECK(plain == "login Ann\r\nsay hi\r\n");

    server.send("Welcome\r\n");
    server.send("Ann: hi\r\n");
    const auto records = std::exchange(server.wire(), {});
    for (std::size_t i = 0; i < records.size(); ++i) client.take(records.substr(i, 1));
    CHECK(client.read() == "Welcome\r\nAnn: hi\r\n");
}

TEST_CASE("TLS stream: a megabyte of output arrives whole, in records") {
    TlsStream server{server_context(), false};
    Client client;
    handshake(client, server);
    std::string big;
    for (int i = 0; big.size() < (1U << 20); ++i) big += "line " + std::to_string(i) + "\r\n";
    server.send(big);
    CHECK(server.wire().size() > big.size());  // record headers and tags
    client.take(std::exchange(server.wire(), {}));
    CHECK(client.read() == big);
}

TEST_CASE("TLS stream: output waits for the handshake; close_notify ends it both ways") {
    TlsStream server{server_context(), false};
    server.send("too early\r\n");
    CHECK(server.wire().empty());  // nothing sealed before the handshake

    Client client;
    handshake(client, server);
    SUBCASE("the client closes") {
        client.shutdown();
        std::string plain;
        CHECK(server.receive(client.wire(), plain) == TlsStream::Status::closed);
        CHECK(server.close_sent());
        client.take(std::exchange(server.wire(), {}));
        client.read();
        CHECK(client.saw_close_notify());
    }
    SUBCASE("the server closes") {
        server.send("bye\r\n");
        server.close();
        server.close();  // once only
        client.take(std::exchange(server.wire(), {}));
        CHECK(client.read() == "bye\r\n");
        CHECK(client.saw_close_notify());
        server.send("after the end\r\n");
        CHECK(server.wire().empty());
    }
}

TEST_CASE("TLS stream: plaintext, garbage and broken records fail it with a reason") {
    std::string plain;
    SUBCASE("a plain telnet line") {
        TlsStream server{server_context(), false};
        CHECK(server.receive("login Mallory\r\n", plain) == TlsStream::Status::failed);
        CHECK(server.failed());
        CHECK(server.reason().find("TLS handshake failed") != std::string::npos);
    }
    SUBCASE("an HTTP request") {
        TlsStream server{server_context(), true};
        CHECK(server.receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n", plain) == TlsStream::Status::failed);
        CHECK(server.reason().find("http request") != std::string::npos);
    }
    SUBCASE("a record tampered with after the handshake") {
        TlsStream server{server_context(), false};
        Client client;
        handshake(client, server);
        client.write("secret");
        auto record = client.wire();
        record.back() = static_cast<char>(record.back() ^ 1);
        CHECK(server.receive(record, plain) == TlsStream::Status::failed);
        CHECK(plain.empty());
        // Whatever comes later is ignored.
        CHECK(server.receive("more", plain) == TlsStream::Status::ok);
        CHECK(plain.empty());
    }
    SUBCASE("a record cut short waits for the rest") {
        TlsStream server{server_context(), false};
        Client client;
        handshake(client, server);
        client.write("whole");
        const auto record = client.wire();
        CHECK(server.receive(record.substr(0, record.size() - 3), plain) == TlsStream::Status::ok);
        CHECK(plain.empty());
        CHECK(server.receive(record.substr(record.size() - 3), plain) == TlsStream::Status::ok);
        CHECK(plain == "whole");
    }
}

TEST_CASE("TLS stream: min_version 1.3 refuses a 1.2 client; ALPN picks http/1.1 on web ports only") {
    {
        TlsStream server{server_context(Config::Tls::Version::tls1_3), false};
        Client old{TLS1_2_VERSION};
        old.step_handshake();
        std::string plain;
        CHECK(server.receive(old.wire(), plain) == TlsStream::Status::failed);
        CHECK(server.wire().size() > 0);  // an alert says why
    }
    static constexpr char offer[] = "\x02h2\x08http/1.1";
    const std::string_view alpn{offer, sizeof offer - 1};
    {
        TlsStream web{server_context(), true};
        Client browser{0, alpn};
        handshake(browser, web);
        CHECK(browser.alpn() == "http/1.1");
    }
    {
        TlsStream telnet{server_context(), false};
        Client client{0, alpn};
        handshake(client, telnet);
        CHECK(client.alpn().empty());
    }
}

TEST_CASE("TLS stream: a TLS 1.2 client that asks to renegotiate is refused") {
    TlsStream server{server_context(), false};
    Client client{TLS1_2_VERSION};
    handshake(client, server);
    REQUIRE(client.renegotiate());
    client.step_handshake();  // sends the new ClientHello
    const auto hello = client.wire();
    REQUIRE_FALSE(hello.empty());
    std::string plain;
    static_cast<void>(server.receive(hello, plain));
    // The answer is an alert record (no_renegotiation), not a ServerHello.
    REQUIRE_FALSE(server.wire().empty());
    CHECK(static_cast<unsigned char>(server.wire()[0]) == 0x15);
    CHECK(plain.empty());
    CHECK(server.description().starts_with("TLSv1.2 "));
}

TEST_CASE("TLS context: what an operator gets wrong is named") {
    const auto& pair = certificate();
    const auto other = make_test_certificate();
    REQUIRE(other);

    auto garbage = TlsContext::from_pem("not pem", pair.key_pem, Config::Tls::Version::tls1_2);
    REQUIRE_FALSE(garbage);
    CHECK(garbage.error().message.find("no PEM certificate") != std::string::npos);

    auto mismatch = TlsContext::from_pem(pair.cert_pem, other->key_pem, Config::Tls::Version::tls1_2);
    REQUIRE_FALSE(mismatch);
    CHECK(mismatch.error().message.find("does not match") != std::string::npos);

    auto no_key = TlsContext::from_pem(pair.cert_pem, "", Config::Tls::Version::tls1_2);
    REQUIRE_FALSE(no_key);
    CHECK(no_key.error().message.find("private key") != std::string::npos);

    // Files, relative to the configuration's directory.
    const auto dir = std::filesystem::temp_directory_path() / ("natter-tls-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto written = write_test_certificate(dir);
    REQUIRE(written);
    CHECK((std::filesystem::status(written->second).permissions() & std::filesystem::perms::others_read) ==
          std::filesystem::perms::none);
    CHECK_FALSE(write_test_certificate(dir));  // never overwrites
    Config::Tls tls{.cert = "cert.pem", .key = "key.pem"};
    auto loaded = TlsContext::load(tls, dir);
    REQUIRE(loaded);
    CHECK((*loaded)->description().find("CN=localhost") != std::string::npos);
    tls.cert = "missing.pem";
    auto missing = TlsContext::load(tls, dir);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message == "[tls] cert " + (dir / "missing.pem").string() +
                                         ": cannot be read (No such file or directory)");
    std::filesystem::remove_all(dir);
}
