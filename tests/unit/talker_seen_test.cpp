// Seen: `seen <name>` says whether someone is here now, when they left in
// this run (any name), or, for a registered name, when the account store
// last saw them.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "src/time_text.hpp"
#include "tests/unit/account_fixture.hpp"

namespace natter {
namespace {

using Lines = std::vector<std::string>;
using test::take_lines;
using test::TestWorld;
using namespace std::chrono_literals;

std::int64_t unix_of(World::WallClock::time_point when) {
    return std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
}

}  // namespace

TEST_CASE("Seen: someone here now, with their room and state, yourself") {
    test::AccountFixture f;
    auto& amy = f.t.login("amy");
    auto& bob = f.t.login("bob");
    TestWorld::type(bob, "join kitchen");
    TestWorld::type(bob, "away");
    f.steady += 3min;
    f.t.clear_all();
    TestWorld::type(amy, "seen BOB");
    CHECK(take_lines(amy) == Lines{"bob is here now, in kitchen (idle 3m, away)."});
    TestWorld::type(amy, "seen amy");
    CHECK(take_lines(amy) == Lines{"You are here now."});
    TestWorld::type(amy, "seen");
    CHECK(take_lines(amy) == Lines{"Usage: seen <name>"});
}

TEST_CASE("Seen: a guest who left in this run, as their name was spelled") {
    test::AccountFixture f;
    auto& amy = f.t.login("amy");
    auto& bob = f.t.login("Bob");
    const auto left = f.wall;
    TestWorld::type(bob, "quit");
    f.t.clear_all();
    f.wall += 2h + 10min;
    TestWorld::type(amy, "seen bob");
    CHECK(take_lines(amy) == Lines{"Bob was last here 2h ago (" + utc_date_time(unix_of(left)) + ")."});
    CHECK(f.background.jobs() == 0);
}

TEST_CASE("Seen: a registered name not seen this run comes from the store, nobody gets one line") {
    test::ScratchDir dir;
    World::WallClock::time_point left;
    {
        test::AccountFixture before{test::test_config(), dir.file("natter.db")};
        before.add_account("carol", "long enough password");
        auto& carol = before.login_with_password("carol", "long enough password");
        before.wall += 1h;
        left = before.wall;
        TestWorld::type(carol, "quit");
        before.background.run_jobs();
    }
    // A restart: this run has seen no one.
    test::AccountFixture f{test::test_config(), dir.file("natter.db")};
    f.wall = left + 50h;
    auto& amy = f.t.login("amy");
    TestWorld::type(amy, "seen Carol");
    f.background.run_jobs();
    CHECK(take_lines(amy) == Lines{"carol was last here 2d ago (" + utc_date_time(unix_of(left)) + ")."});
    TestWorld::type(amy, "seen zed");
    CHECK(take_lines(amy) == Lines{"No one called \"zed\" has been here since the server started."});
    CHECK(f.background.jobs() == 0);
}

}  // namespace natter
