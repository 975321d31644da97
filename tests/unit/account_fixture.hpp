// Shared by the account unit tests: a World with a real account store in a
// temporary file, slow work queued in a QueueBackground the test runs when
// it chooses, and both clocks frozen until the test moves them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include <doctest/doctest.h>

#include "src/accounts.hpp"
#include "tests/unit/queue_background.hpp"
#include "tests/unit/test_world.hpp"

namespace natter::test {

struct AccountFixture {
    // `database` empty: a new file in this fixture's own directory.
    explicit AccountFixture(Config config = test_config(), std::string database = {}) : t{std::move(config)} {
        t.world.set_background(&background);
        t.world.set_clock([this] { return steady; });
        t.world.set_wall_clock([this] { return wall; });
        path = database.empty() ? dir.file("natter.db") : std::move(database);
        auto where = t.world.config().accounts;
        where.database = path;
        auto opened = t.world.accounts().open(where);
        REQUIRE_MESSAGE(opened.has_value(), (opened ? "" : opened.error().message));
    }

    // Stores an account directly, as an earlier `register` would have.
    void add_account(const std::string& name, std::string password) {
        bool stored = false;
        REQUIRE(t.world.accounts().create(0, {.name = name, .address = {}, .request = false}, password,
                                          [&](Result<bool> created) { stored = created && *created; }));
        background.run_jobs();
        REQUIRE(stored);
    }

    // A new connection logged in to a registered name; outboxes emptied.
    Session& login_with_password(std::string_view name, std::string_view password, std::string address = "127.0.0.1") {
        auto& session = t.connect(std::move(address));
        TestWorld::type(session, "login " + std::string{name});
        TestWorld::type(session, password);
        background.run_jobs();
        REQUIRE(session.authenticated());
        t.clear_all();
        return session;
    }

    ScratchDir dir;
    QueueBackground background;
    World::Clock::time_point steady = World::Clock::now();
    World::WallClock::time_point wall = World::WallClock::now();
    std::string path;
    TestWorld t;
};

}  // namespace natter::test
