// `natterd --version` and the `version` command over TCP: CMake's project
// version, the same in both, and the commit when built from a checkout.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/chat_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

#ifndef NATTER_EXPECTED_VERSION
#error "NATTER_EXPECTED_VERSION must be CMake's project version"
#endif

using namespace natter::test;

TEST_CASE("Version: natterd --version prints the project version and exits 0") {
    const RunResult run = run_process({natterd_path(), "--version"});
    CAPTURE(run.out);
    CAPTURE(run.err);
    CHECK(run.status == 0);
    const std::string prefix = std::string{"natterd "} + NATTER_EXPECTED_VERSION;
    CHECK(run.out.starts_with(prefix));
    CHECK(run.out.ends_with("\n"));
    CHECK(run.out.find('\n') == run.out.size() - 1);
    const std::string rest = run.out.substr(prefix.size(), run.out.size() - 1 - prefix.size());
    if (NATTER_SOURCE_IS_CHECKOUT) {
        CHECK(rest.starts_with(" (git "));
        CHECK(rest.ends_with(")"));
    } else {
        CHECK(rest.empty());
    }
}

TEST_CASE("Version: users see the same version before and after login") {
    const RunResult run = run_process({natterd_path(), "--version"});
    REQUIRE(run.status == 0);
    REQUIRE(run.out.starts_with("natterd "));
    const std::string expected = "natter " + run.out.substr(8, run.out.size() - 9);

    ServerProcess server;
    TcpClient guest{server.port()};
    REQUIRE(guest.expect_line("Welcome to TestChat"));
    guest.send_line("version");
    CHECK(guest.expect_line(expected));

    TcpClient amy = login_client(server.port(), "amy");
    amy.send_line("version");
    CHECK(amy.expect_line(expected));
}
