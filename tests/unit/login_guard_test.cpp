// LoginGuard: the growing delay and the lock-out after repeated failures.
#include <doctest/doctest.h>

#include "src/ban_list.hpp"
#include "src/login_guard.hpp"

namespace natter {

using std::chrono::milliseconds;

TEST_CASE("LoginGuard: each failure waits twice as long, the fifth locks the address out") {
    LoginGuard guard;
    const auto t0 = LoginGuard::Clock::time_point{} + std::chrono::hours{1};
    CHECK(guard.record_failure("bob", "10.0.0.1", t0).delay == milliseconds{250});
    CHECK(guard.record_failure("bob", "10.0.0.1", t0).delay == milliseconds{500});
    CHECK(guard.record_failure("bob", "10.0.0.1", t0).delay == milliseconds{1000});
    const auto fourth = guard.record_failure("bob", "10.0.0.1", t0);
    CHECK(fourth.delay == milliseconds{2000});
    CHECK_FALSE(fourth.lock_out);
    CHECK_FALSE(guard.locked_out("10.0.0.1", t0));
    CHECK(guard.record_failure("bob", "10.0.0.1", t0).lock_out);
    CHECK(guard.locked_out("10.0.0.1", t0));
    CHECK_FALSE(guard.locked_out("10.0.0.2", t0));
    CHECK_FALSE(guard.locked_out("10.0.0.1", t0 + LoginGuard::lockout));
}

TEST_CASE("LoginGuard: failures count per address across names, and per name across addresses") {
    const auto t0 = LoginGuard::Clock::time_point{} + std::chrono::hours{1};
    LoginGuard by_address;
    for (int i = 0; i < 4; ++i) CHECK_FALSE(by_address.record_failure("n" + std::to_string(i), "10.0.0.1", t0).lock_out);
    CHECK(by_address.record_failure("n9", "10.0.0.1", t0).lock_out);

    LoginGuard by_name;
    for (int i = 0; i < 4; ++i) CHECK_FALSE(by_name.record_failure("Bob", "10.0.0." + std::to_string(i), t0).lock_out);
    CHECK(by_name.record_failure("bob", "10.0.0.9", t0).lock_out);
    CHECK(by_name.locked_out("10.0.0.9", t0));
    CHECK_FALSE(by_name.locked_out("10.0.0.1", t0));
}

TEST_CASE("LoginGuard: old failures fall out of the window, and a success clears the count") {
    LoginGuard guard;
    const auto t0 = LoginGuard::Clock::time_point{} + std::chrono::hours{1};
    for (int i = 0; i < 4; ++i) (void)guard.record_failure("bob", "10.0.0.1", t0);
    CHECK(guard.record_failure("bob", "10.0.0.1", t0 + LoginGuard::window).delay == milliseconds{250});
    guard.record_success("bob", "10.0.0.1");
    CHECK(guard.record_failure("bob", "10.0.0.1", t0 + LoginGuard::window).delay == milliseconds{250});
}

TEST_CASE("BanList: bans match case-insensitively, by kind, until they expire") {
    BanList bans;
    bans.put(Ban{.target = "Mallory", .is_address = false, .expires = std::nullopt, .reason = "", .by = "op"});
    bans.put(Ban{.target = "10.0.0.9", .is_address = true, .expires = 1000, .reason = "", .by = "op"});
    CHECK(bans.on_name("mallory", 0) != nullptr);
    CHECK(bans.on_name("10.0.0.9", 0) == nullptr);
    CHECK(bans.on_address("10.0.0.9", 999) != nullptr);
    CHECK(bans.on_address("10.0.0.9", 1000) == nullptr);
    CHECK(bans.remove("MALLORY"));
    CHECK_FALSE(bans.remove("mallory"));
    CHECK(bans.on_name("mallory", 0) == nullptr);
    CHECK(looks_like_address("127.0.0.1"));
    CHECK(looks_like_address("::1"));
    CHECK_FALSE(looks_like_address("bob"));
}

}  // namespace natter
