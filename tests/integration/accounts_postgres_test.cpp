// Accounts kept in PostgreSQL ([accounts] postgres, SPEC §11) against the
// real natterd and a private PostgreSQL cluster (tests/support/
// postgres_server.hpp): what is stored survives a restart of natterd; a
// server that cannot be reached stops natterd at start with the reason; and
// a server that goes away while natterd runs costs a login a "try again",
// never the process, until it is back.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "tests/support/chat_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/temp_dir.hpp"

using namespace natter::test;

namespace {

constexpr Millis slow{10000};  // an argon2 hash under sanitizers on a busy machine
constexpr int exit_bad_config = 2;

bool contains(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

auto is(std::string_view wanted) {
    return [wanted](std::string_view line) { return line == wanted; };
}
auto has(std::string_view wanted) {
    return [wanted](std::string_view line) { return contains(line, wanted); };
}

ServerOptions in_postgres(const std::string& conninfo) {
    ServerOptions options;
    options.accounts = "postgres = \"" + conninfo + "\"\n";
    options.extra_tables = "[operators]\nnames = [\"root\"]\n";
    return options;
}

TcpClient guest_registers(std::uint16_t port, std::string_view name, std::string_view password) {
    TcpClient client = login_client(port, name);
    REQUIRE(client.send_line("register"));
    REQUIRE(client.read_until(is("Choose a password:")));
    REQUIRE(client.send_line(password));
    REQUIRE(client.expect_line("Type the password again:"));
    REQUIRE(client.send_line(password));
    REQUIRE(client.read_until(has("is now registered"), slow));
    return client;
}

// Connects and gives the password of a registered name; the line that
// answers it (the room's, or why not) is left for the caller to read.
TcpClient password_login(std::uint16_t port, std::string_view name, std::string_view password) {
    TcpClient client{port};
    REQUIRE(client.read_until(is("Welcome to TestChat")));
    REQUIRE(client.send_line("login " + std::string{name}));
    REQUIRE(client.read_until(is("Password:")));
    REQUIRE(client.send_line(password));
    return client;
}

// Logged in to a registered name and in the room.
TcpClient account_client(std::uint16_t port, std::string_view name, std::string_view password) {
    TcpClient client = password_login(port, name, password);
    REQUIRE(client.send_line("look"));
    REQUIRE(client.read_until(is("The following are in this room:"), slow));
    return client;
}

void log_out(TcpClient& client) {
    REQUIRE(client.send_line("logout"));
    REQUIRE(client.wait_closed());
}

}  // namespace

TEST_CASE("Accounts in PostgreSQL: register and logout and login and a ban survive a restart of natterd") {
    auto& postgres = shared_postgres();
    const auto database = postgres.create_database();
    ServerProcess server{in_postgres(postgres.conninfo(database))};
    {
        TcpClient root = guest_registers(server.port(), "root", "operator password");
        TcpClient alice = guest_registers(server.port(), "Alice", "alice password");
        log_out(alice);
        TcpClient again = account_client(server.port(), "alice", "alice password");
        REQUIRE(root.send_line("ban mallory"));
        REQUIRE(root.read_until(is("Banned name mallory for good."), slow));
    }
    REQUIRE(server.terminate() == 0);
    // It is all in PostgreSQL, not in a file beside the configuration.
    CHECK(postgres.query(database, "SELECT string_agg(name, ' ' ORDER BY name_key) FROM accounts") == "Alice root");
    CHECK(postgres.query(database, "SELECT target FROM bans") == "mallory");
    CHECK_FALSE(std::filesystem::exists(server.dir().path() / "natter.db"));

    RestartedServer restarted{server.config_path()};
    TcpClient alice = account_client(restarted.port(), "ALICE", "alice password");
    TcpClient wrong = password_login(restarted.port(), "alice", "not her password");
    CHECK(wrong.read_until(has("Wrong password"), slow));
    TcpClient mallory{restarted.port()};
    REQUIRE(mallory.read_until(is("Welcome to TestChat")));
    REQUIRE(mallory.send_line("login mallory"));
    CHECK(mallory.read_until(is("You are banned from this server.")));
    CHECK(mallory.wait_closed());
}

TEST_CASE("Accounts in PostgreSQL: a server that cannot be reached stops natterd at start with the reason") {
    TempDir dir;
    const auto port = std::to_string(free_port());  // nothing listens there
    const auto config = dir.write_file(
        "natter.toml", test_config(in_postgres("host=127.0.0.1 port=" + port + " dbname=natter user=natter"), dir.path()));
    // The key itself is fine: --check-config does not connect.
    const auto checked = run_process({natterd_path(), "--check-config", config.string()});
    CHECK_MESSAGE(checked.status == 0, checked.err);

    const auto started = run_process({natterd_path(), "--config", config.string()}, Millis{20000});
    CHECK(started.status == exit_bad_config);
    CHECK_MESSAGE(contains(started.err, "natterd: [accounts] postgres: cannot connect"), started.err);
    CHECK_MESSAGE(contains(started.err, "127.0.0.1"), started.err);
    CHECK_MESSAGE(contains(started.err, port), started.err);
    CHECK_FALSE(contains(started.out, "listening on"));
}

TEST_CASE("Accounts in PostgreSQL: a connection string libpq cannot read is a configuration error") {
    TempDir dir;
    const auto config = dir.write_file("natter.toml", test_config(in_postgres("host=127.0.0.1 port"), dir.path()));
    const auto checked = run_process({natterd_path(), "--check-config", config.string()});
    CHECK(checked.status == exit_bad_config);
    CHECK_MESSAGE(contains(checked.err, "postgres"), checked.err);
    CHECK_MESSAGE(contains(checked.err, "is not a libpq connection string"), checked.err);
}

TEST_CASE("Accounts in PostgreSQL: while the server is down a login is told to try again and natterd goes on") {
    PostgresServer postgres;  // its own: this test stops it
    const auto database = postgres.create_database();
    ServerProcess server{in_postgres(postgres.conninfo(database))};
    {
        TcpClient alice = guest_registers(server.port(), "alice", "alice password");
        log_out(alice);
    }
    postgres.stop();

    TcpClient refused = password_login(server.port(), "alice", "alice password");
    CHECK(refused.read_until(is("Sorry, the account database is not available. Try again later."), slow));
    CHECK(server.wait_for_log("account database"));
    // The chat goes on for guests meanwhile.
    TcpClient bob = login_client(server.port(), "bob");
    REQUIRE(bob.send_line("say still here"));
    CHECK(bob.read_until(is("bob: still here")));

    postgres.start();
    TcpClient back = account_client(server.port(), "alice", "alice password");
    REQUIRE(back.send_line("say back again"));
    CHECK(back.read_until(is("alice: back again")));
    CHECK(server.terminate() == 0);  // a clean exit: nothing crashed on the way
}
