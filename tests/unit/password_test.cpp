// Password hashing (argon2id via libsodium) and wiping clear text.
#include <doctest/doctest.h>

#include "src/password.hpp"

namespace natter {

TEST_CASE("Password: a hash is an argon2id string that verifies only the right password") {
    std::string clear = "correct horse";
    auto hash = hash_password(clear);
    REQUIRE(hash.has_value());
    CHECK(clear.empty());  // wiped
    CHECK(hash->starts_with("$argon2id$"));
    CHECK(hash->find("correct horse") == std::string::npos);
    std::string right = "correct horse";
    std::string wrong = "correct horsE";
    CHECK(verify_password(*hash, right));
    CHECK_FALSE(verify_password(*hash, wrong));
    CHECK(right.empty());
    CHECK(wrong.empty());
}

TEST_CASE("Password: the same password hashes differently each time (salted)") {
    std::string a = "same password";
    std::string b = "same password";
    CHECK(hash_password(a).value() != hash_password(b).value());
}

TEST_CASE("Password: wipe zeroes the whole buffer, also of a short string") {
    std::string secret = "hunter2";
    const char* data = secret.data();
    const auto capacity = secret.capacity();
    wipe(secret);
    CHECK(secret.empty());
    for (std::size_t i = 0; i < capacity; ++i) CHECK(data[i] == '\0');
}

TEST_CASE("Password: a Secret takes the text and leaves nothing behind") {
    std::string typed = "a longer secret that is on the heap";
    Secret secret{typed};
    CHECK(typed.empty());
    CHECK(secret.text() == "a longer secret that is on the heap");
}

}  // namespace natter
