// RegistrationThrottle and address_block: registrations per address block
// and in all within a sliding window, on a clock the test moves by hand.
#include <doctest/doctest.h>

#include "src/address_block.hpp"
#include "src/registration_throttle.hpp"

namespace natter {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using Throttle = RegistrationThrottle;

constexpr Throttle::Limits hourly{.per_address = 3, .per_window = 100, .window = seconds{3600}};
const auto t0 = Throttle::Clock::time_point{} + std::chrono::hours{5};

// Checks and, when allowed, records: one registration attempt.
bool try_register(Throttle& throttle, const std::string& block, Throttle::Clock::time_point now,
                  const Throttle::Limits& limits = hourly) {
    if (!throttle.check(block, limits, now).allowed) return false;
    throttle.record(block, now);
    return true;
}

}  // namespace

TEST_CASE("RegistrationThrottle: three from one address per hour, then a refusal saying how long to wait") {
    Throttle throttle;
    CHECK(try_register(throttle, "10.0.0.1", t0));
    CHECK(try_register(throttle, "10.0.0.1", t0 + minutes{10}));
    CHECK(try_register(throttle, "10.0.0.1", t0 + minutes{20}));
    const auto refused = throttle.check("10.0.0.1", hourly, t0 + minutes{30});
    CHECK_FALSE(refused.allowed);
    CHECK(refused.scope == Throttle::Scope::address);
    CHECK(refused.retry_after == minutes{30});  // when the first one leaves the window
    // Another address is not held up.
    CHECK(try_register(throttle, "10.0.0.2", t0 + minutes{30}));
}

TEST_CASE("RegistrationThrottle: the window slides; each registration frees its place an hour later") {
    Throttle throttle;
    for (int i = 0; i < 3; ++i) REQUIRE(try_register(throttle, "10.0.0.1", t0 + minutes{10 * i}));
    CHECK_FALSE(throttle.check("10.0.0.1", hourly, t0 + minutes{59}).allowed);
    CHECK(try_register(throttle, "10.0.0.1", t0 + minutes{60}));
    const auto next = throttle.check("10.0.0.1", hourly, t0 + minutes{61});
    CHECK_FALSE(next.allowed);
    CHECK(next.retry_after == minutes{9});  // the one from t0+10min goes at t0+70min
    CHECK(try_register(throttle, "10.0.0.1", t0 + minutes{70}));
}

TEST_CASE("RegistrationThrottle: only the first refusal of an episode asks to be logged") {
    Throttle throttle;
    for (int i = 0; i < 3; ++i) REQUIRE(try_register(throttle, "10.0.0.1", t0));
    CHECK(throttle.check("10.0.0.1", hourly, t0 + seconds{1}).episode_started);
    CHECK_FALSE(throttle.check("10.0.0.1", hourly, t0 + seconds{2}).episode_started);
    CHECK_FALSE(throttle.check("10.0.0.1", hourly, t0 + seconds{3}).episode_started);
    // Registrations go through after the window: the episode is over; the
    // next refusal starts a new one.
    for (int i = 0; i < 3; ++i) REQUIRE(try_register(throttle, "10.0.0.1", t0 + minutes{60}));
    CHECK(throttle.check("10.0.0.1", hourly, t0 + minutes{60} + seconds{1}).episode_started);
}

TEST_CASE("RegistrationThrottle: the server-wide limit counts every address together") {
    Throttle throttle;
    const Throttle::Limits limits{.per_address = 3, .per_window = 5, .window = seconds{600}};
    for (int i = 0; i < 5; ++i) {
        REQUIRE(try_register(throttle, "10.0.0." + std::to_string(i), t0 + seconds{i * 60}, limits));
    }
    const auto refused = throttle.check("10.0.9.9", limits, t0 + seconds{300});
    CHECK_FALSE(refused.allowed);
    CHECK(refused.scope == Throttle::Scope::server);
    CHECK(refused.retry_after == seconds{300});
    CHECK(refused.episode_started);
    CHECK_FALSE(throttle.check("10.0.8.8", limits, t0 + seconds{301}).episode_started);
    CHECK(try_register(throttle, "10.0.9.9", t0 + seconds{600}, limits));
}

TEST_CASE("RegistrationThrottle: a limit of 0 is no limit") {
    Throttle throttle;
    const Throttle::Limits none{.per_address = 0, .per_window = 0, .window = seconds{3600}};
    for (int i = 0; i < 500; ++i) CHECK(try_register(throttle, "10.0.0.1", t0, none));
}

TEST_CASE("RegistrationThrottle: a registration taken back frees its place") {
    Throttle throttle;
    for (int i = 0; i < 2; ++i) REQUIRE(try_register(throttle, "10.0.0.1", t0));
    REQUIRE(try_register(throttle, "10.0.0.1", t0 + seconds{5}));
    CHECK_FALSE(throttle.check("10.0.0.1", hourly, t0 + seconds{6}).allowed);
    throttle.forget("10.0.0.1", t0 + seconds{5});
    CHECK(throttle.counted() == 2);
    CHECK(try_register(throttle, "10.0.0.1", t0 + seconds{6}));
}

TEST_CASE("RegistrationThrottle: a lowered limit waits until enough have left the window") {
    Throttle throttle;
    for (int i = 0; i < 3; ++i) REQUIRE(try_register(throttle, "10.0.0.1", t0 + minutes{i}));
    const Throttle::Limits one{.per_address = 1, .per_window = 100, .window = seconds{3600}};
    const auto refused = throttle.check("10.0.0.1", one, t0 + minutes{3});
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after == minutes{59});  // the third leaves at t0+62min
}

TEST_CASE("address_block: IPv4 as it is, IPv6 by its /64, IPv4-mapped as IPv4") {
    CHECK(address_block("192.0.2.7") == "192.0.2.7");
    CHECK(address_block("2001:db8:1:2:a:b:c:d") == "2001:db8:1:2::/64");
    CHECK(address_block("2001:db8:1:2::99") == "2001:db8:1:2::/64");
    CHECK(address_block("2001:db8:1:3::1") == "2001:db8:1:3::/64");
    CHECK(address_block("::ffff:192.0.2.7") == "192.0.2.7");
    CHECK(address_block("not an address") == "not an address");
}

TEST_CASE("RegistrationThrottle: addresses of one IPv6 /64 share a limit") {
    Throttle throttle;
    for (const auto* address : {"2001:db8::1", "2001:db8::2", "2001:db8::ffff:1"}) {
        REQUIRE(try_register(throttle, address_block(address), t0));
    }
    CHECK_FALSE(throttle.check(address_block("2001:db8::abcd"), hourly, t0).allowed);
    CHECK(throttle.check(address_block("2001:db8:0:1::1"), hourly, t0).allowed);
}

}  // namespace natter
