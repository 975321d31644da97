// TLS listeners over TCP against the real natterd: telnet and web over TLS
// with the tests' OpenSSL client and the real `openssl s_client` and curl;
// plaintext, garbage and silence on a TLS port; the handshake timeout; bad
// certificates at start and on SIGHUP; passwords only over TLS; MSSP's SSL.
#include <openssl/ssl.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/support/chat_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/process_stats.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tls_client.hpp"
#include "tests/support/ws_client.hpp"

using namespace natter::test;
using namespace std::chrono_literals;

namespace {

// A self-signed pair made by natterd itself, in a directory of its own.
struct Certificate {
    TempDir dir;
    std::filesystem::path cert;
    std::filesystem::path key;

    Certificate() : cert{dir.path() / "cert.pem"}, key{dir.path() / "key.pem"} {
        ChildProcess maker{{natterd_path(), "--make-test-cert", dir.path().string()}};
        REQUIRE(maker.wait_exit(10s) == 0);
        REQUIRE(std::filesystem::exists(cert));
        REQUIRE(std::filesystem::exists(key));
    }
};

std::string tls_table(const Certificate& certificate, std::string extra = {}) {
    return "[tls]\ncert = \"" + certificate.cert.string() + "\"\nkey = \"" + certificate.key.string() + "\"\n" +
           extra;
}

// A telnet+TLS listener and a web+TLS one beside the classic plain port.
ServerOptions tls_server(const Certificate& certificate, std::string tls_extra = {}) {
    ServerOptions options;
    options.extra_tables = "[[listeners]]\nport = 0\nkind = \"telnet\"\ntls = true\n"
                           "[[listeners]]\nport = 0\nkind = \"web\"\ntls = true\n" +
                           tls_table(certificate, std::move(tls_extra));
    return options;
}

std::uint16_t tls_port(const ServerProcess& server) { return server.listener_port("telnet+tls"); }

auto starts_with(std::string_view prefix) {
    return [prefix = std::string{prefix}](std::string_view line) { return line.starts_with(prefix); };
}

// Connected over TLS, greeted and logged in as `name`.
std::unique_ptr<TlsClient> tls_login(std::uint16_t port, std::string_view name) {
    auto client = std::make_unique<TlsClient>(port);
    REQUIRE_MESSAGE(client->handshake(), client->error());
    REQUIRE(client->expect_line("Welcome to TestChat"));
    // Logged in when our own look lists us, as the plain clients check.
    REQUIRE(client->send_line("login " + std::string{name}));
    REQUIRE(client->send_line("look"));
    REQUIRE(client->read_until([](std::string_view l) { return l == "The following are in this room:"; }));
    REQUIRE(client->read_until([&](std::string_view l) { return l == name; }));
    return client;
}

std::unique_ptr<TcpClient> plain_login(std::uint16_t port, std::string_view name) {
    return std::make_unique<TcpClient>(login_client(port, name));
}

}  // namespace

TEST_CASE("TLS: a telnet client over TLS chats with a plain one, byte for byte the classic lines") {
    Certificate certificate;
    ServerProcess server{tls_server(certificate)};
    REQUIRE(tls_port(server) != 0);

    auto ann = tls_login(tls_port(server), "Ann");
    CHECK(ann->protocol() == "TLSv1.3");
    CHECK(ann->alpn().empty());  // ALPN is for the web port
    auto bob = plain_login(server.port(), "Bob");
    CHECK(ann->read_until(starts_with("Bob has entered the room.")));

    REQUIRE(ann->send_line("say hello over TLS"));
    CHECK(bob->read_until([](std::string_view l) { return l == "Ann: hello over TLS"; }));
    REQUIRE(bob->send_line("say and back in the clear"));
    CHECK(ann->read_until([](std::string_view l) { return l == "Bob: and back in the clear"; }));

    // A long burst comes through whole, over many records.
    std::string long_line(400, 'x');
    for (int i = 0; i < 50; ++i) REQUIRE(bob->send_line("say " + std::to_string(i) + " " + long_line));
    for (int i = 0; i < 50; ++i) {
        CHECK(ann->read_until([&](std::string_view l) { return l == "Bob: " + std::to_string(i) + " " + long_line; }));
    }

    // logout: the last line, then close_notify, then FIN.
    REQUIRE(ann->send_line("logout"));
    CHECK(ann->wait_closed(3s));
    CHECK(ann->got_close_notify());
    CHECK(bob->read_until(starts_with("Ann has left the room.")));
    CHECK(server.wait_for_log("connect 127.0.0.1 (tls)"));
}

TEST_CASE("TLS: the real openssl s_client logs in and talks") {
    Certificate certificate;
    ServerProcess server{tls_server(certificate)};
    ChildProcess client{{"openssl", "s_client", "-quiet", "-connect", "127.0.0.1:" + std::to_string(tls_port(server))}};
    REQUIRE(client.read_until([](std::string_view l) { return l == "Welcome to TestChat"; }, 5s));
    REQUIRE(client.write_stdin("login Sol\r\nlook\r\n"));
    REQUIRE(client.read_until([](std::string_view l) { return l == "Sol"; }, 5s));
    auto watcher = plain_login(server.port(), "Wat");
    REQUIRE(client.write_stdin("say from s_client\r\n"));
    CHECK(watcher->read_until([](std::string_view l) { return l == "Sol: from s_client"; }));
    REQUIRE(client.write_stdin("logout\r\n"));
    CHECK(watcher->read_until(starts_with("Sol has left the room.")));
    CHECK(client.wait_exit(5s) != no_exit_status);  // natterd closed: s_client ends
}

TEST_CASE("TLS: plaintext, garbage and old protocol versions on a TLS port get nothing and cost nothing") {
    Certificate certificate;
    auto options = tls_server(certificate, "min_version = \"1.3\"\n");
    options.limits += "max_per_address = 0\n";
    ServerProcess server{options};
    auto watcher = plain_login(server.port(), "Wat");

    SUBCASE("a plain telnet client is closed without a word of plaintext") {
        TcpClient plain{tls_port(server)};
        REQUIRE(plain.send("login Mallory\r\nsay hi\r\n"));
        CHECK(plain.wait_closed(3s));
        CHECK(server.wait_for_log("TLS handshake failed"));
    }
    SUBCASE("64 KiB of random bytes") {
        TcpClient noise{tls_port(server)};
        std::mt19937 random{7};
        std::string bytes(64 * 1024, '\0');
        for (auto& byte : bytes) byte = static_cast<char>(random() & 0xFFU);
        noise.send(bytes);  // the server may close before it takes all
        CHECK(noise.wait_closed(3s));
    }
    SUBCASE("a hundred new TLS clients at once: every handshake finishes") {
        std::vector<std::unique_ptr<TlsClient>> crowd;
        for (int i = 0; i < 100; ++i) crowd.push_back(std::make_unique<TlsClient>(tls_port(server)));
        // All the ClientHellos first, so the server has a hundred at once.
        for (auto& client : crowd) CHECK_FALSE(client->handshake(0ms));
        int done = 0;
        for (auto& client : crowd) done += client->handshake(5s) ? 1 : 0;
        CHECK(done == 100);
    }
    SUBCASE("a TLS 1.2 client, under min_version 1.3") {
        TlsClient old{tls_port(server), {.max_version = TLS1_2_VERSION, .alpn = {}}};
        CHECK_FALSE(old.handshake());
        CHECK(old.tcp().wait_closed(3s));
    }
    SUBCASE("a client that closes mid-handshake") {
        TlsClient quitter{tls_port(server)};
        quitter.tcp().send(std::string("\x16\x03\x01\x00\xff\x01\x00", 7));  // a ClientHello's first bytes
    }
    // The chat never noticed.
    REQUIRE(watcher->send_line("say still here"));
    CHECK(watcher->read_until([](std::string_view l) { return l == "Wat: still here"; }));
    auto late = tls_login(tls_port(server), "Late");
    CHECK(late->protocol() == "TLSv1.3");
}

TEST_CASE("TLS: connections that never finish a handshake are dropped after handshake_timeout_s") {
    Certificate certificate;
    auto options = tls_server(certificate, "handshake_timeout_s = 1\n");
    options.limits += "max_per_address = 0\n";
    ServerProcess server{options};
    raise_descriptor_limit();
    std::vector<std::unique_ptr<TcpClient>> silent;
    for (int i = 0; i < 1000; ++i) silent.push_back(std::make_unique<TcpClient>(tls_port(server)));
    // Meanwhile the chat goes on, over TLS and not.
    auto ann = tls_login(tls_port(server), "Ann");
    auto bob = plain_login(server.port(), "Bob");
    REQUIRE(ann->send_line("say busy?"));
    CHECK(bob->read_until([](std::string_view l) { return l == "Ann: busy?"; }));
    int closed = 0;
    for (auto& client : silent) closed += client->wait_closed(4s) ? 1 : 0;
    CHECK(closed == 1000);
    // Ann finished her handshake: she stays.
    REQUIRE(bob->send_line("say still with us?"));
    CHECK(ann->read_until([](std::string_view l) { return l == "Bob: still with us?"; }));
}

TEST_CASE("TLS: the web listener serves the page and the WebSocket over TLS") {
    Certificate certificate;
    ServerProcess server{tls_server(certificate)};
    const auto port = server.listener_port("web+tls");
    REQUIRE(port != 0);

    ChildProcess curl{{"curl", "-sk", "--max-time", "5", "https://127.0.0.1:" + std::to_string(port) + "/healthz"}};
    CHECK(curl.wait_exit(10s) == 0);
    CHECK(curl.stdout_text() == "ok\n");

    // ALPN: a browser offers h2 and http/1.1 and gets http/1.1.
    TlsClient web{port, {.max_version = 0, .alpn = "h2,http/1.1"}};
    REQUIRE_MESSAGE(web.handshake(), web.error());
    CHECK(web.alpn() == "http/1.1");
    REQUIRE(web.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                     "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"));
    const auto head = web.read_plain_until("\r\n\r\n");
    REQUIRE(head);
    CHECK(head->starts_with("HTTP/1.1 101 "));
    REQUIRE(web.send(ws_client_frame(0x81, "login Web")));
    CHECK(web.read_plain_until("\"signed_in\""));
    auto bob = plain_login(server.port(), "Bob");
    REQUIRE(bob->send_line("say to the browser"));
    CHECK(web.read_plain_until("to the browser"));
}

TEST_CASE("TLS: a bad certificate or key stops natterd at start, naming the file") {
    Certificate certificate;
    TempDir dir;
    const auto garbage = dir.write_file("garbage.pem", "not a certificate\n");
    Certificate other;

    struct Case {
        std::string tls;
        std::string named;
    };
    const std::vector<Case> cases{
        {"cert = \"" + (dir.path() / "missing.pem").string() + "\"\nkey = \"" + certificate.key.string() + "\"\n",
         "missing.pem: cannot be read"},
        {"cert = \"" + garbage.string() + "\"\nkey = \"" + certificate.key.string() + "\"\n", "garbage.pem"},
        {"cert = \"" + certificate.cert.string() + "\"\nkey = \"" + other.key.string() + "\"\n", "does not match"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.named);
        const auto config = dir.write_file("natter.toml", "[server]\nhost = \"127.0.0.1\"\nport = 0\n"
                                                         "[[listeners]]\nport = 0\nkind = \"telnet\"\ntls = true\n"
                                                         "[tls]\n" + c.tls);
        ChildProcess start{{natterd_path(), "--config", config.string()}};
        CHECK(start.wait_exit(10s) == 2);
        CHECK(start.stderr_text().find(c.named) != std::string::npos);
        ChildProcess check{{natterd_path(), "--check-config", config.string()}};
        CHECK(check.wait_exit(10s) == 2);
        CHECK(check.stderr_text().find(c.named) != std::string::npos);
    }
    // tls = true with no [tls] at all is a configuration error too.
    const auto bare = dir.write_file("bare.toml", "[[listeners]]\nport = 0\nkind = \"mud\"\ntls = true\n");
    ChildProcess check{{natterd_path(), "--check-config", bare.string()}};
    CHECK(check.wait_exit(10s) == 2);
    CHECK(check.stderr_text().find("needs [tls] cert and key") != std::string::npos);
}

TEST_CASE("TLS: SIGHUP loads a new certificate for new connections and keeps the old one if the new fails") {
    Certificate certificate;
    ServerProcess server{tls_server(certificate)};
    auto ann = tls_login(tls_port(server), "Ann");
    const auto first = ann->fingerprint();
    REQUIRE_FALSE(first.empty());

    // A new pair in place of the old.
    Certificate renewed;
    std::filesystem::copy_file(renewed.cert, certificate.cert, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(renewed.key, certificate.key, std::filesystem::copy_options::overwrite_existing);
    server.signal(SIGHUP);
    REQUIRE(server.wait_for_log("configuration reloaded"));
    TlsClient after{tls_port(server)};
    REQUIRE(after.handshake());
    CHECK(after.fingerprint() != first);

    // A broken key: logged, and the renewed pair goes on serving.
    const auto serving = after.fingerprint();
    { std::ofstream{certificate.key} << "broken\n"; }
    server.signal(SIGHUP);
    REQUIRE(server.wait_for_log("keeping the old TLS certificate"));
    TlsClient still{tls_port(server)};
    REQUIRE(still.handshake());
    CHECK(still.fingerprint() == serving);

    // Ann, connected before both, never noticed.
    REQUIRE(ann->send_line("say unbroken"));
    CHECK(ann->read_until([](std::string_view l) { return l == "Ann: unbroken"; }));
}

TEST_CASE("TLS: with require_tls_for_passwords, passwords go over TLS only") {
    Certificate certificate;
    auto options = tls_server(certificate);
    options.accounts = "require_tls_for_passwords = true\n";
    ServerProcess server{options};
    const auto port = std::to_string(tls_port(server));

    auto plain = plain_login(server.port(), "Pat");
    REQUIRE(plain->send_line("register"));
    CHECK(plain->expect_line("Passwords are accepted only over an encrypted connection here. Connect with TLS to port " +
                             port + "."));

    auto secure = tls_login(tls_port(server), "Sec");
    REQUIRE(secure->send_line("register"));
    REQUIRE(secure->read_until([](std::string_view l) { return l == "Choose a password:"; }));
    REQUIRE(secure->send_line("correct horse battery"));
    REQUIRE(secure->read_until([](std::string_view l) { return l == "Type the password again:"; }));
    REQUIRE(secure->send_line("correct horse battery"));
    CHECK(secure->read_until([](std::string_view l) { return l.find("is now registered") != std::string::npos; }, 10s));
    REQUIRE(secure->send_line("logout"));
    CHECK(secure->wait_closed(3s));

    // Logging in to the registered name from a plain port: refused before the password.
    TcpClient again{server.port()};
    REQUIRE(again.expect_line("Welcome to TestChat"));
    REQUIRE(again.send_line("login Sec"));
    CHECK(again.read_until(starts_with("Passwords are accepted only over an encrypted connection")));
}

TEST_CASE("TLS: MSSP names the TLS port as SSL, and web ports are no MUD PORT") {
    Certificate certificate;
    auto options = tls_server(certificate);
    options.extra_tables += "[[listeners]]\nport = 0\nkind = \"web\"\n";
    ServerProcess server{options};
    TcpClient crawler{server.port()};
    REQUIRE(crawler.expect_line("Welcome to TestChat"));
    REQUIRE(crawler.send_line("MSSP-REQUEST"));
    REQUIRE(crawler.read_until([](std::string_view l) { return l == "MSSP-REPLY-START"; }));
    std::vector<std::string> ports;
    std::string ssl;
    while (auto line = crawler.read_line()) {
        if (*line == "MSSP-REPLY-END") break;
        if (line->starts_with("PORT\t")) ports.push_back(line->substr(5));
        if (line->starts_with("SSL\t")) ssl = line->substr(4);
    }
    CHECK(ports == std::vector<std::string>{std::to_string(server.port())});
    CHECK(ssl == std::to_string(tls_port(server)));
}
