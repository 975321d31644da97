// Fuzz target for TlsStream, the server side of TLS on memory BIOs. Byte 0
// picks the mode, byte 1 the size of each read (1–256); the rest is:
//   even mode: what a peer sends before any handshake (ClientHellos,
//              records, garbage), read by a fresh stream in those pieces;
//   odd mode:  plaintext an honest client sends after a real handshake,
//              sealed by it and read by the server in those pieces, then
//              sent back by the server.
// Checks: nothing is decrypted before the handshake, a failed stream takes
// nothing more and seals nothing; in the odd mode the server reads exactly
// what the client wrote, split anywhere, and the client reads back exactly
// what the server sent.
#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz/fuzz_checks.hpp"
#include "src/test_certificate.hpp"
#include "src/tls_context.hpp"
#include "src/tls_stream.hpp"

namespace natter::fuzz {
namespace {

std::shared_ptr<const TlsContext> context;

// An honest client on memory BIOs.
struct Client {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());

    Client() {
        BIO_set_mem_eof_return(in, -1);
        SSL_set_bio(ssl, in, out);
        SSL_set_connect_state(ssl);
    }
    ~Client() {
        SSL_free(ssl);
        SSL_CTX_free(ctx);
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    std::string wire() const {
        std::string bytes(BIO_ctrl_pending(out), '\0');
        if (!bytes.empty()) BIO_read(out, bytes.data(), static_cast<int>(bytes.size()));
        return bytes;
    }
    void take(std::string_view bytes) const { BIO_write(in, bytes.data(), static_cast<int>(bytes.size())); }
};

TlsStream::Status feed(TlsStream& server, std::string_view bytes, std::size_t chunk, std::string& plain) {
    auto status = TlsStream::Status::ok;
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
        status = server.receive(bytes.substr(at, chunk), plain);
        if (status != TlsStream::Status::ok) break;
    }
    return status;
}

void hostile_peer(std::string_view bytes, std::size_t chunk) {
    TlsStream server{context, bytes.size() % 2 == 0};
    std::string plain;
    const auto status = feed(server, bytes, chunk, plain);
    check(server.established() || plain.empty(), "plaintext before the handshake finished");
    if (status == TlsStream::Status::failed) {
        check(server.failed(), "a failed status without failed()");
        check(!server.reason().empty(), "a failure without a reason");
        server.wire().clear();
        std::string after;
        check(server.receive(bytes, after) == TlsStream::Status::ok && after.empty(), "a failed stream read on");
        server.send("late");
        check(server.wire().empty(), "a failed stream sealed output");
    }
}

void honest_client(std::string_view text, std::size_t chunk) {
    TlsStream server{context, false};
    Client client;
    std::string plain;
    for (int round = 0; round < 8 && !server.established(); ++round) {
        SSL_do_handshake(client.ssl);
        check(feed(server, client.wire(), chunk, plain) == TlsStream::Status::ok, "an honest handshake failed");
        client.take(server.wire());
        server.wire().clear();
    }
    check(server.established(), "an honest handshake did not finish");
    check(SSL_do_handshake(client.ssl) == 1, "the client did not finish its handshake");
    if (!text.empty()) SSL_write(client.ssl, text.data(), static_cast<int>(text.size()));
    check(feed(server, client.wire(), chunk, plain) == TlsStream::Status::ok, "an honest record failed");
    check(plain == text, "the server read other bytes than the client wrote");

    server.send(plain);
    client.take(server.wire());
    std::string echoed;
    char buffer[4096];
    int got = 0;
    while ((got = SSL_read(client.ssl, buffer, sizeof buffer)) > 0) echoed.append(buffer, static_cast<std::size_t>(got));
    check(echoed == text, "the client read other bytes than the server sent");
}

}  // namespace
}  // namespace natter::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    auto pair = natter::make_test_certificate();
    natter::fuzz::check(pair.has_value(), "no test certificate");
    auto made = natter::TlsContext::from_pem(pair->cert_pem, pair->key_pem, natter::Config::Tls::Version::tls1_2);
    natter::fuzz::check(made.has_value(), "no TLS context");
    natter::fuzz::context = *made;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::string_view rest{reinterpret_cast<const char*>(data) + 2, size - 2};
    const std::size_t chunk = 1U + data[1];
    if (data[0] % 2 == 0) {
        natter::fuzz::hostile_peer(rest, chunk);
    } else {
        natter::fuzz::honest_client(rest.substr(0, 16 * 1024), chunk);
    }
    return 0;
}
