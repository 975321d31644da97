// The version command and the version it reports: CMake's project version,
// plus the git commit when the tree being tested is a checkout.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "src/version.hpp"
#include "tests/unit/test_world.hpp"

#ifndef NATTER_EXPECTED_VERSION
#error "NATTER_EXPECTED_VERSION must be CMake's project version"
#endif

namespace natter {
namespace {

using test::take_lines;
using test::TestWorld;

bool is_revision(std::string_view text) {
    if (text.ends_with("-dirty")) text.remove_suffix(6);
    if (text.size() != 12) return false;
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("Version: is CMake's project version, with the commit from a checkout") {
    CHECK(version() == NATTER_EXPECTED_VERSION);
    if (NATTER_SOURCE_IS_CHECKOUT) {
        CHECK(is_revision(git_revision()));
        CHECK(version_line() == std::string{NATTER_EXPECTED_VERSION} + " (git " + std::string{git_revision()} + ")");
    } else {
        CHECK(git_revision().empty());
        CHECK(version_line() == NATTER_EXPECTED_VERSION);
    }
}

TEST_CASE("Version: the command answers in the login room and in a chat room") {
    TestWorld t;
    const std::vector<std::string> expected{"natter " + version_line()};
    auto& guest = t.connect();
    take_lines(guest);
    TestWorld::type(guest, "version");
    CHECK(take_lines(guest) == expected);

    auto& amy = t.login("amy");
    auto& bob = t.login("bob");
    TestWorld::type(amy, "VERS");  // any case, any unique prefix
    CHECK(take_lines(amy) == expected);
    CHECK(take_lines(bob).empty());  // only the one who asked is told
}

}  // namespace natter
