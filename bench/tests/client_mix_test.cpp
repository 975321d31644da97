// bench/tests/client_mix_test.cpp — the kinds of client in each mix, and
// the bytes each kind sends natter before and at login.
#include "bench/client_mix.hpp"
#include "bench/dialect.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string>

namespace natter::bench {

using namespace std::string_literals;

TEST_CASE("ClientMix: mixed is half plain, a quarter colour, a quarter GMCP, all present by the fourth id") {
    std::array<int, 4> seen{};
    for (std::uint32_t id = 0; id < 100; ++id) ++seen[static_cast<std::size_t>(kind_of(ClientMix::mixed, id))];
    CHECK(seen[static_cast<std::size_t>(ClientKind::plain)] == 50);
    CHECK(seen[static_cast<std::size_t>(ClientKind::colour)] == 25);
    CHECK(seen[static_cast<std::size_t>(ClientKind::gmcp)] == 25);
    CHECK(seen[static_cast<std::size_t>(ClientKind::mccp)] == 0);
    CHECK(kind_of(ClientMix::mixed, 0) == ClientKind::plain);
    CHECK(kind_of(ClientMix::mixed, 1) == ClientKind::colour);
    CHECK(kind_of(ClientMix::mixed, 3) == ClientKind::gmcp);
}

TEST_CASE("ClientMix: the single-kind mixes and their names") {
    CHECK(kind_of(ClientMix::plain, 3) == ClientKind::plain);
    CHECK(kind_of(ClientMix::gmcp, 1) == ClientKind::gmcp);
    CHECK(kind_of(ClientMix::mccp, 2) == ClientKind::mccp);
    for (const auto mix : {ClientMix::plain, ClientMix::mixed, ClientMix::gmcp, ClientMix::mccp}) {
        CHECK(parse_client_mix(name_of(mix)) == mix);
    }
    CHECK_FALSE(parse_client_mix("colour").has_value());
    CHECK_FALSE(parse_client_mix("").has_value());
}

TEST_CASE("Dialect: GMCP and MCCP2 clients ask for their options on connect, colour ones at login") {
    const Dialect natter{Proto::natter, "#bench"};
    std::string out;
    natter.append_greeting(out, "c1", ClientKind::plain);
    natter.append_greeting(out, "c1", ClientKind::colour);
    CHECK(out.empty());
    natter.append_greeting(out, "c1", ClientKind::gmcp);
    CHECK(out == "\xFF\xFD\xC9"s);
    out.clear();
    natter.append_greeting(out, "c1", ClientKind::mccp);
    CHECK(out == "\xFF\xFD\xC9\xFF\xFD\x56"s);

    out.clear();
    natter.append_login(out, "u1", ClientKind::colour);
    CHECK(out == "login u1\r\nclient colour 256\r\nzsync0\r\n");
    out.clear();
    natter.append_login(out, "u2", ClientKind::gmcp);
    CHECK(out == "login u2\r\nzsync0\r\n");
}

}  // namespace natter::bench
