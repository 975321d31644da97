#include "src/names.hpp"

#include "src/text.hpp"

namespace natter {
namespace {
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

bool is_valid_name(std::string_view name) {
    if (name.empty() || name.size() > max_name_length || !is_letter(name.front())) return false;
    for (char c : name) {
        if (!is_letter(c) && !is_digit(c) && c != '_' && c != '-') return false;
    }
    return true;
}

std::string_view valid_name_rule() {
    return "a name is 1 to 20 letters, digits, _ or -, starting with a letter";
}

std::string name_key(std::string_view name) { return ascii_lower(name); }

}  // namespace natter
