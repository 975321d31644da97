// Three natterd nodes joined into one chat over one Redis (SPEC §11
// [cluster]), for tests that check a cluster looks like one server. All
// nodes share one account database, copied from a template that holds the
// accounts below, so no test waits for argon2 to register them. Owns the
// processes: nodes go (SIGTERM, then SIGKILL) before Redis, by PID.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace natter::test {

// Registered in every cluster's database; root and boss are operators.
struct ClusterAccount {
    std::string_view name;
    std::string_view password;
};
inline constexpr ClusterAccount cluster_root{"root", "root password"};
inline constexpr ClusterAccount cluster_boss{"boss", "boss password"};
inline constexpr ClusterAccount cluster_dana{"dana", "dana password"};  // no operator

struct ClusterOptions {
    std::string extra_tables{};  // more tables for every node
    Millis ready_timeout{15000};  // per node: start and "cluster link up"
};

class ClusterFixture {
public:
    static constexpr int nodes = 3;
    // The [cluster] timings every node runs with: short, so that a lost
    // node is noticed in seconds.
    static constexpr Millis lease{2000};
    static constexpr Millis heartbeat{500};

    // Starts Redis, then the three nodes at once, and waits (bounded) until
    // each logs "cluster link up". Throws std::runtime_error naming the node
    // and what it lacked, with every node's log, if one does not get there.
    explicit ClusterFixture(ClusterOptions options = {});
    ~ClusterFixture();
    ClusterFixture(const ClusterFixture&) = delete;
    ClusterFixture& operator=(const ClusterFixture&) = delete;

    // Nodes are numbered 1 to 3, as their ids n1, n2, n3.
    static std::string node_id(int n) { return "n" + std::to_string(n); }
    ServerProcess& node(int n);
    std::uint16_t port(int n) { return node(n).port(); }
    RedisServer& redis() { return *redis_; }
    const std::filesystem::path& database() const { return database_; }

    // SIGKILL to node n, then waits for it to be gone; its status.
    int kill9(int n);
    // Node n's log (stdout) so far, also once it has stopped.
    std::string log_of(int n) const;
    // Every node's log so far, each under a heading, for failure messages.
    std::string logs() const;

private:
    TempDir dir_;  // the shared database; outlives every process
    std::filesystem::path database_;
    std::unique_ptr<RedisServer> redis_;
    std::array<std::unique_ptr<ServerProcess>, nodes> nodes_;
};

// The [cluster] table of node n on Redis at `redis_address`.
std::string cluster_table(std::string_view redis_address, int n);

}  // namespace natter::test
