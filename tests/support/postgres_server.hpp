// A private PostgreSQL 15 cluster for one test run: initdb into a fresh
// temporary directory, then `postgres` on a free 127.0.0.1 port with its
// socket in that directory and fsync off (nothing here must survive a power
// cut). As root it runs as the `postgres` user (PostgreSQL refuses root).
// Owns the server process: the destructor stops it by PID and removes the
// directory. Missing binaries are a failure saying how to install them,
// never a skip.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace natter::test {

class PostgresServer {
public:
    // initdb and start, waiting (bounded) until the server accepts
    // connections. Throws std::runtime_error with the reason.
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    std::uint16_t port() const { return port_; }
    // A libpq connection string for `database` over TCP on 127.0.0.1.
    std::string conninfo(std::string_view database) const;
    // A new, empty database (a fresh name each call).
    std::string create_database();
    // Runs `sql` (one or more statements) in `database` and returns the
    // first column of the first row of its last result ("" if none).
    // Throws std::runtime_error on an error.
    std::string query(std::string_view database, const std::string& sql) const;

    // Fast shutdown (SIGINT: clients are cut off), waiting for the exit.
    void stop();
    // Starts the stopped cluster again on the same port and data.
    void start();
    bool running() const { return server_ != nullptr; }

private:
    void launch();

    TempDir dir_;
    std::filesystem::path data_;
    std::uint16_t port_ = 0;
    int databases_ = 0;
    std::unique_ptr<ChildProcess> server_;
};

// One cluster for the whole test process, started on first use and stopped
// as the process exits; tests take a fresh database from it each.
PostgresServer& shared_postgres();

}  // namespace natter::test
