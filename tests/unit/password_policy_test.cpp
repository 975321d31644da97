// password_refusal: the rules a new password must pass, each with its reason.
#include <doctest/doctest.h>

#include <string>

#include "src/password_policy.hpp"

namespace natter {

TEST_CASE("password_refusal: too short and too long are refused with the limits named") {
    CHECK(password_refusal("1234567", "alice")->find("at least 8") != std::string::npos);
    CHECK(password_refusal(std::string(257, 'x'), "alice")->find("at most 256") != std::string::npos);
    CHECK_FALSE(password_refusal(std::string(256, 'x'), "alice").has_value());
}

TEST_CASE("password_refusal: the account's own name, in any case, is refused") {
    const auto refusal = password_refusal("AliceCooper", "alicecooper");
    REQUIRE(refusal.has_value());
    CHECK(refusal->find("your name") != std::string::npos);
    CHECK_FALSE(password_refusal("alicecooper!", "alicecooper").has_value());
}

TEST_CASE("password_refusal: the most common passwords are refused, in any case, with the reason") {
    for (const auto* common : {"password", "PASSWORD1", "12345678", "qwertyuiop", "iloveyou", "Passw0rd"}) {
        CAPTURE(common);
        const auto refusal = password_refusal(common, "alice");
        REQUIRE(refusal.has_value());
        CHECK(refusal->find("most common") != std::string::npos);
        CHECK(is_common_password(common));
    }
    CHECK_FALSE(is_common_password("correct horse battery"));
    CHECK_FALSE(password_refusal("correct horse battery", "alice").has_value());
}

}  // namespace natter
