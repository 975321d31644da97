// The rules for user and room names: who may be called what, and when two
// names are the same. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace natter {

inline constexpr std::size_t max_name_length = 20;

// 1-20 ASCII letters, digits, '_' and '-', starting with a letter.
[[nodiscard]] bool is_valid_name(std::string_view name);

// The rule above in words, for error replies.
[[nodiscard]] std::string_view valid_name_rule();

// The key two names share when they are the same person (case-insensitive).
[[nodiscard]] std::string name_key(std::string_view name);

}  // namespace natter
