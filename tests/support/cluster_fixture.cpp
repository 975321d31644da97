#include "tests/support/cluster_fixture.hpp"

#include <csignal>
#include <future>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "tests/support/chat_client.hpp"
#include "tests/support/printable.hpp"
#include "tests/support/tcp_client.hpp"

namespace natter::test {
namespace {

constexpr Millis slow{10000};  // an argon2 hash under sanitizers on a busy machine
constexpr std::string_view link_up = "cluster link up";

[[noreturn]] void fail_registration(std::string_view name, std::string_view what, const TcpClient& client) {
    std::string message = "registering " + std::string{name} + " for the cluster's accounts: " + std::string{what};
    for (const auto& line : client.skipped_lines()) message += "\n  skipped: " + printable(line);
    throw std::runtime_error(message);
}

void register_account(std::uint16_t port, const ClusterAccount& account) {
    TcpClient client = login_client(port, account.name);
    const auto is = [](std::string_view wanted) {
        return [wanted](std::string_view line) { return line == wanted; };
    };
    if (!client.send_line("register") || !client.read_until(is("Choose a password:"))) {
        fail_registration(account.name, "no \"Choose a password:\"", client);
    }
    if (!client.send_line(account.password) || !client.read_until(is("Type the password again:"))) {
        fail_registration(account.name, "no \"Type the password again:\"", client);
    }
    if (!client.send_line(account.password) ||
        !client.read_until([](std::string_view line) { return line.find("is now registered") != line.npos; },
                           slow)) {
        fail_registration(account.name, "no \"... is now registered\"", client);
    }
}

// A database with the cluster accounts, made once per run by a single
// natterd (no cluster) and copied for each fixture.
class TemplateDatabase {
public:
    TemplateDatabase() : path_(dir_.path() / "natter.db") {
        ServerOptions options;
        options.database = path_;
        options.accounts = "registrations_per_address = 0\n";
        ServerProcess server{options};
        for (const auto& account : {cluster_root, cluster_boss, cluster_dana}) register_account(server.port(), account);
        const int status = server.terminate(Millis{10000});
        if (status != 0) {
            throw std::runtime_error("the natterd that made the cluster's accounts exited with status " +
                                     std::to_string(status) + "\n--- stdout:\n" + server.stdout_text());
        }
    }

    // Copies the database (and what SQLite keeps beside it) to `to`.
    void copy_to(const std::filesystem::path& to) const {
        std::filesystem::copy_file(path_, to);
        for (const std::string_view suffix : {"-wal", "-shm"}) {
            const std::filesystem::path beside = path_.string() + std::string{suffix};
            if (std::filesystem::exists(beside)) std::filesystem::copy_file(beside, to.string() + std::string{suffix});
        }
    }

private:
    TempDir dir_;
    std::filesystem::path path_;
};

const TemplateDatabase& template_database() {
    static const TemplateDatabase database;  // a throw leaves it to the next fixture to try again
    return database;
}

}  // namespace

std::string cluster_table(std::string_view redis_address, int n) {
    return "[cluster]\nredis = \"" + std::string{redis_address} + "\"\nnode = \"" + ClusterFixture::node_id(n) +
           "\"\nlease_ms = " + std::to_string(ClusterFixture::lease.count()) +
           "\nheartbeat_ms = " + std::to_string(ClusterFixture::heartbeat.count()) + "\n";
}

ClusterFixture::ClusterFixture(ClusterOptions options) : database_(dir_.path() / "natter.db") {
    template_database().copy_to(database_);
    redis_ = std::make_unique<RedisServer>(RedisOptions{});

    // The three start at once: each waits for its own "listening on".
    std::array<std::future<std::unique_ptr<ServerProcess>>, nodes> starting;
    for (int n = 1; n <= nodes; ++n) {
        ServerOptions server;
        server.database = database_;
        server.start_timeout = options.ready_timeout;
        server.extra_tables = "[rooms]\npermanent = [\"lobby\", \"cellar\"]\n\n[operators]\nnames = [\"" +
                              std::string{cluster_root.name} + "\", \"" + std::string{cluster_boss.name} + "\"]\n\n" +
                              cluster_table(redis_->address(), n) + "\n" + options.extra_tables;
        starting[n - 1] = std::async(std::launch::async, [server] { return std::make_unique<ServerProcess>(server); });
    }
    std::string failures;
    for (int n = 1; n <= nodes; ++n) {
        try {
            nodes_[n - 1] = starting[n - 1].get();
        } catch (const std::exception& e) {
            failures += "node " + node_id(n) + " did not start: " + e.what() + "\n";
        }
    }
    if (!failures.empty()) throw std::runtime_error(failures + logs());

    // Started together, so one deadline serves all three.
    const auto deadline = std::chrono::steady_clock::now() + options.ready_timeout;
    for (int n = 1; n <= nodes; ++n) {
        const auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        if (!node(n).wait_for_log(link_up, std::max(left, Millis{0}))) {
            failures += "node " + node_id(n) + ": no \"" + std::string{link_up} + "\" in its log within " +
                        std::to_string(options.ready_timeout.count()) + " ms of the start\n";
        }
    }
    if (!failures.empty()) throw std::runtime_error(failures + logs());
}

ClusterFixture::~ClusterFixture() {
    // Nodes first, all signalled before any is waited for, then Redis.
    for (auto& server : nodes_) {
        if (server) server->signal(SIGTERM);
    }
    for (auto& server : nodes_) server.reset();
    redis_.reset();
}

ServerProcess& ClusterFixture::node(int n) {
    if (n < 1 || n > nodes || !nodes_[n - 1]) throw std::out_of_range("no cluster node " + std::to_string(n));
    return *nodes_[n - 1];
}

int ClusterFixture::kill9(int n) {
    auto& server = node(n);
    server.signal(SIGKILL);
    return server.wait_exit(Millis{5000});
}

std::string ClusterFixture::log_of(int n) const {
    if (n < 1 || n > nodes || !nodes_[n - 1]) return "(not running)\n";
    return nodes_[n - 1]->stdout_text();
}

std::string ClusterFixture::logs() const {
    std::string text;
    for (int n = 1; n <= nodes; ++n) {
        const auto& server = nodes_[n - 1];
        text += "--- natterd " + node_id(n) + " stdout:\n" + (server ? server->stdout_text() : "(not running)\n");
        if (server && !server->stderr_text().empty()) {
            text += "--- natterd " + node_id(n) + " stderr:\n" + server->stderr_text();
        }
    }
    return text;
}

}  // namespace natter::test
