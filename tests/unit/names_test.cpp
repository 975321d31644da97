// Names (SPEC §2): who may be called what, and when two names are the same.
#include <doctest/doctest.h>

#include "tests/unit/printing.hpp"

#include <string>

#include "src/names.hpp"

namespace natter {

TEST_CASE("Names: letters, digits, _ and - starting with a letter are valid") {
    CHECK(is_valid_name("a"));
    CHECK(is_valid_name("Bob"));
    CHECK(is_valid_name("bob_42"));
    CHECK(is_valid_name("x-ray"));
    CHECK(is_valid_name("Z9_-"));
    CHECK(is_valid_name(std::string(20, 'n')));
}

TEST_CASE("Names: empty, too long, or not starting with a letter is invalid") {
    CHECK_FALSE(is_valid_name(""));
    CHECK_FALSE(is_valid_name(std::string(21, 'n')));
    CHECK_FALSE(is_valid_name("1bob"));
    CHECK_FALSE(is_valid_name("_bob"));
    CHECK_FALSE(is_valid_name("-bob"));
}

TEST_CASE("Names: spaces, punctuation, controls and non-ASCII are invalid") {
    CHECK_FALSE(is_valid_name("bob smith"));
    CHECK_FALSE(is_valid_name("bob!"));
    CHECK_FALSE(is_valid_name("bob.b"));
    CHECK_FALSE(is_valid_name("bob\t"));
    CHECK_FALSE(is_valid_name(std::string{"bo\0b", 4}));
    CHECK_FALSE(is_valid_name("b\xC3\xB6" "b"));   // ö
    CHECK_FALSE(is_valid_name("\xC3\x89mile"));    // É first
    CHECK_FALSE(is_valid_name("bob\x1B"));
}

TEST_CASE("Names: the rule in words mentions the limits") {
    const std::string rule{valid_name_rule()};
    CHECK(rule.find("20") != std::string::npos);
    CHECK(rule.find("letter") != std::string::npos);
}

TEST_CASE("Names: name_key is case-insensitive") {
    CHECK(name_key("Bob") == name_key("bob"));
    CHECK(name_key("BOB") == name_key("bOb"));
    CHECK(name_key("Bob_X-1") == "bob_x-1");
    CHECK(name_key("bob") != name_key("bob_"));
    CHECK(name_key("bob") != name_key("rob"));
}

}  // namespace natter
