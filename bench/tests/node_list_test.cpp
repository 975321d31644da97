// bench/tests/node_list_test.cpp — the --ports and --server-pid lists and
// the round-robin spreading of client ids over nodes.
#include "bench/node_list.hpp"

#include <doctest/doctest.h>

#include <array>
#include <vector>

namespace natter::bench {

TEST_CASE("parse_port_list: one or several ports") {
    CHECK(parse_port_list("5005") == std::vector<std::uint16_t>{5005});
    CHECK(parse_port_list("5005,5006,65535") == std::vector<std::uint16_t>{5005, 5006, 65535});
}

TEST_CASE("parse_port_list: refuses empty items and bad numbers") {
    CHECK_FALSE(parse_port_list(""));
    CHECK_FALSE(parse_port_list(","));
    CHECK_FALSE(parse_port_list("5005,"));
    CHECK_FALSE(parse_port_list(",5005"));
    CHECK_FALSE(parse_port_list("5005,,5006"));
    CHECK_FALSE(parse_port_list("0"));
    CHECK_FALSE(parse_port_list("65536"));
    CHECK_FALSE(parse_port_list("-1"));
    CHECK_FALSE(parse_port_list("50a5"));
    CHECK_FALSE(parse_port_list("5005 "));
}

TEST_CASE("parse_pid_list: one or several PIDs") {
    CHECK(parse_pid_list("1") == std::vector<int>{1});
    CHECK(parse_pid_list("123,456,2147483647") == std::vector<int>{123, 456, 2147483647});
    CHECK_FALSE(parse_pid_list(""));
    CHECK_FALSE(parse_pid_list("0"));
    CHECK_FALSE(parse_pid_list("12,x"));
    CHECK_FALSE(parse_pid_list("2147483648"));
}

TEST_CASE("node_of_client: one node takes every client") {
    for (std::uint32_t id = 0; id < 10; ++id) {
        CHECK(node_of_client(id, 1) == 0);
        CHECK(node_of_client(id, 0) == 0);
    }
    CHECK(clients_on_node(100, 0, 1) == 100);
    CHECK(clients_on_node(100, 1, 1) == 0);
}

TEST_CASE("node_of_client: round robin over three nodes") {
    CHECK(node_of_client(0, 3) == 0);
    CHECK(node_of_client(1, 3) == 1);
    CHECK(node_of_client(2, 3) == 2);
    CHECK(node_of_client(3, 3) == 0);
    CHECK(node_of_client(99, 3) == 0);
    std::array<std::uint32_t, 3> counted{};
    for (std::uint32_t id = 0; id < 100; ++id) {
        ++counted[node_of_client(id, 3)];
    }
    CHECK(counted == std::array<std::uint32_t, 3>{34, 33, 33});
    for (std::size_t node = 0; node < 3; ++node) {
        CHECK(clients_on_node(100, node, 3) == counted[node]);
    }
    CHECK(clients_on_node(100, 3, 3) == 0);
}

TEST_CASE("clients_on_node: fewer clients than nodes leave some nodes empty") {
    CHECK(clients_on_node(2, 0, 5) == 1);
    CHECK(clients_on_node(2, 1, 5) == 1);
    CHECK(clients_on_node(2, 2, 5) == 0);
    CHECK(clients_on_node(0, 0, 5) == 0);
}

}  // namespace natter::bench
