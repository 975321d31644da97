#include "src/password_policy.hpp"

#include <array>

#include <fmt/format.h>

namespace natter {
namespace {

// The passwords that top every published list of leaked passwords, as far
// as they pass the length rule (shorter ones are refused anyway). Guessers
// try these first, so an account with one falls to the first few tries the
// login guard allows. Lower case; compared ignoring case.
constexpr std::array common_passwords = {
    "password",    "password1",   "password12",  "password123", "passw0rd",    "p@ssw0rd",    "p@ssword",
    "12345678",    "123456789",   "1234567890",  "0123456789",  "987654321",   "87654321",    "11111111",
    "111111111",   "00000000",    "88888888",    "66666666",    "12341234",    "11223344",    "12344321",
    "123123123",   "12121212",    "123qweasd",   "1q2w3e4r",    "1q2w3e4r5t",  "1qaz2wsx",    "q1w2e3r4",
    "q1w2e3r4t5",  "zaq12wsx",    "qwertyui",    "qwertyuiop",  "qwerty123",   "qwerty12",    "asdfghjk",
    "asdfghjkl",   "zxcvbnm1",    "abcd1234",    "abc12345",    "abcdefgh",    "aa123456",    "a1234567",
    "iloveyou",    "iloveyou1",   "sunshine",    "princess",    "football",    "baseball",    "basketball",
    "superman",    "batman123",   "starwars",    "whatever",    "trustno1",    "letmein1",    "letmein123",
    "welcome1",    "welcome123",  "computer",    "internet",    "michelle",    "jennifer",    "jordan23",
    "master123",   "mustang1",    "shadow12",    "dragon123",   "monkey123",   "freedom1",    "chocolate",
    "butterfly",   "liverpool",   "arsenal1",    "changeme",    "default1",    "administrator",
    "admin123",    "admin1234",   "root1234",    "secret123",   "test1234",    "testing123",  "guest123",
    "login123",    "hello123",    "helloworld",  "loveyou1",    "lovely12",    "charlie1",    "michael1",
    "daniel12",    "samsung1",    "google123",   "azertyuiop",  "qazwsxedc",   "1qazxsw2",    "asdf1234",
    "zxcvbnm123",  "123456abc",   "abc123456",   "passpass",    "password!",   "pa55word",
};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace

bool is_common_password(std::string_view password) {
    for (std::string_view common : common_passwords) {
        if (equal_ignoring_case(password, common)) return true;
    }
    return false;
}

std::optional<std::string> password_refusal(std::string_view password, std::string_view name) {
    if (password.size() < min_password_length) {
        return fmt::format("That password is too short: use at least {} characters.", min_password_length);
    }
    if (password.size() > max_password_length) {
        return fmt::format("That password is too long: use at most {} characters.", max_password_length);
    }
    if (!name.empty() && equal_ignoring_case(password, name)) {
        return std::string{"That password is your name, the first thing anyone would try."};
    }
    if (is_common_password(password)) {
        return std::string{"That password is one of the most common ones, which guessers try first."};
    }
    return std::nullopt;
}

}  // namespace natter
