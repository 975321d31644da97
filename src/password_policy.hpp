// Which new passwords are refused, and why in one line: too short, too long,
// the account's own name, or one of the passwords guessers try first. Pure;
// the password is only read, never copied.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace natter {

// Shorter passwords are refused with a message saying so.
inline constexpr std::size_t min_password_length = 8;
// Longer ones are refused too: argon2 would take them, but nobody types this.
inline constexpr std::size_t max_password_length = 256;

// Why `password` may not be the password of `name`, as one line for the
// user, or nullopt when it may.
[[nodiscard]] std::optional<std::string> password_refusal(std::string_view password, std::string_view name);

// True if `password` is on the built-in list of the most common passwords
// (ignoring case).
[[nodiscard]] bool is_common_password(std::string_view password);

}  // namespace natter
