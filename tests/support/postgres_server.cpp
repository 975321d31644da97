#include "tests/support/postgres_server.hpp"

#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include <libpq-fe.h>

#include "tests/support/free_port.hpp"

namespace natter::test {
namespace {

const std::filesystem::path bin_dir{"/usr/lib/postgresql/15/bin"};
constexpr const char* superuser = "natter";
constexpr const char* install_hint = "PostgreSQL 15 is needed for these tests: run scripts/setup --test";

// The uid and gid to run the cluster as: ourselves, or `postgres` as root.
struct Owner {
    bool switch_user = false;
    uid_t uid = 0;
    gid_t gid = 0;
};

Owner cluster_owner() {
    if (::geteuid() != 0) return {};
    const passwd* user = ::getpwnam("postgres");
    if (user == nullptr) throw std::runtime_error(std::string{"no postgres user: "} + install_hint);
    return {.switch_user = true, .uid = user->pw_uid, .gid = user->pw_gid};
}

// argv run as the cluster's owner; setpriv execs in place, so the child's
// PID is the program's own, and it is killed if this process dies first.
std::vector<std::string> as_owner(const Owner& owner, std::vector<std::string> argv) {
    if (!owner.switch_user) return argv;
    std::vector<std::string> out{"setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
                                 "--pdeathsig=KILL", "--"};
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
}

void chown_to(const Owner& owner, const std::filesystem::path& path) {
    if (owner.switch_user && ::chown(path.c_str(), owner.uid, owner.gid) != 0) {
        throw std::runtime_error("chown " + path.string() + " failed");
    }
}

struct ConnFinish {
    void operator()(PGconn* conn) const { PQfinish(conn); }
};

}  // namespace

PostgresServer::PostgresServer() {
    for (const char* program : {"initdb", "postgres"}) {
        if (!std::filesystem::exists(bin_dir / program)) {
            throw std::runtime_error((bin_dir / program).string() + " is missing. " + install_hint);
        }
    }
    const auto owner = cluster_owner();
    chown_to(owner, dir_.path());
    data_ = dir_.path() / "data";
    // Trust over 127.0.0.1 and the socket: the cluster lives in a private
    // directory for one test run and listens on loopback only.
    const auto made = run_process(as_owner(owner, {(bin_dir / "initdb").string(), "-D", data_.string(), "-U",
                                                   superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "-N"}),
                                  Millis{60000});
    if (made.status != 0) {
        throw std::runtime_error("initdb failed (status " + std::to_string(made.status) + "): " + made.err + made.out);
    }
    // free_port() is racy: another process may take the port before
    // postgres binds it, so a failed start tries another, a few times.
    std::string failures;
    for (int attempt = 0; attempt < 3; ++attempt) {
        port_ = free_port();
        try {
            launch();
            return;
        } catch (const std::runtime_error& failed) {
            failures += failed.what();
            failures += "; ";
        }
    }
    throw std::runtime_error("postgres did not start: " + failures);
}

PostgresServer::~PostgresServer() {
    try {
        stop();
    } catch (...) {  // a destructor must not throw; ChildProcess kills what is left
    }
}

void PostgresServer::launch() {
    const auto owner = cluster_owner();
    server_ = std::make_unique<ChildProcess>(as_owner(
        owner, {(bin_dir / "postgres").string(), "-D", data_.string(), "-p", std::to_string(port_), "-k",
                dir_.path().string(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
                "synchronous_commit=off", "-c", "full_page_writes=off"}));
    const auto info = conninfo("postgres");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
    for (int tries = 0; tries < 3000 && std::chrono::steady_clock::now() < deadline; ++tries) {
        if (PQping(info.c_str()) == PQPING_OK) return;
        if (!server_->running()) break;
        std::this_thread::sleep_for(Millis{20});
    }
    const auto err = server_->stderr_text() + server_->stdout_text();
    server_.reset();  // kills it if it still runs
    throw std::runtime_error("postgres on port " + std::to_string(port_) + " did not accept connections: " + err);
}

std::string PostgresServer::conninfo(std::string_view database) const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + superuser + " dbname=" + std::string{database};
}

std::string PostgresServer::create_database() {
    // Our own generated name, so it can be spelled into the statement.
    const auto name = "natter_test_" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
    query("postgres", "CREATE DATABASE " + name);
    return name;
}

std::string PostgresServer::query(std::string_view database, const std::string& sql) const {
    const std::unique_ptr<PGconn, ConnFinish> conn{PQconnectdb(conninfo(database).c_str())};
    if (PQstatus(conn.get()) != CONNECTION_OK) {
        throw std::runtime_error("cannot connect to the test cluster: " + std::string{PQerrorMessage(conn.get())});
    }
    PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
    PGresult* result = PQexec(conn.get(), sql.c_str());
    const auto status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        std::string why = PQresultErrorMessage(result);
        PQclear(result);
        throw std::runtime_error(sql + ": " + why);
    }
    std::string out;
    if (PQntuples(result) > 0 && PQnfields(result) > 0) out = PQgetvalue(result, 0, 0);
    PQclear(result);
    return out;
}

void PostgresServer::stop() {
    if (!server_) return;
    server_->signal(SIGINT);
    server_->wait_exit(Millis{15000});
    server_.reset();  // SIGKILL if it is still there
}

void PostgresServer::start() {
    if (server_) return;
    launch();
}

PostgresServer& shared_postgres() {
    static PostgresServer server;
    return server;
}

}  // namespace natter::test
