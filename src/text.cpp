#include "src/text.hpp"

#include <algorithm>
#include <cstdint>

#include <utf8proc.h>

namespace natter {
namespace {

bool is_plain_ascii(unsigned char c) { return (c >= 0x20 && c < 0x7F) || c == '\t'; }

bool is_removed(utf8proc_int32_t cp) {
    if (cp < 0x20) return cp != '\t';
    if (cp >= 0x7F && cp <= 0x9F) return true;          // DEL and C1
    if (cp >= 0x202A && cp <= 0x202E) return true;      // LRE RLE PDF LRO RLO
    if (cp >= 0x2066 && cp <= 0x2069) return true;      // LRI RLI FSI PDI
    return false;
}

}  // namespace

std::string sanitize(std::string_view raw) {
    // Most chat lines are printable ASCII: copy them untouched.
    if (std::all_of(raw.begin(), raw.end(), [](char c) { return is_plain_ascii(static_cast<unsigned char>(c)); })) {
        return std::string{raw};
    }
    std::string out;
    out.reserve(raw.size());
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(raw.data());
    auto left = static_cast<utf8proc_ssize_t>(raw.size());
    while (left > 0) {
        utf8proc_int32_t cp = 0;
        auto used = utf8proc_iterate(bytes, left, &cp);
        if (used <= 0) {
            cp = 0xFFFD;
            used = 1;
        }
        if (!is_removed(cp)) {
            utf8proc_uint8_t encoded[4];
            const auto n = utf8proc_encode_char(cp, encoded);
            out.append(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(n));
        }
        bytes += used;
        left -= used;
    }
    return out;
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

std::string ascii_lower(std::string_view text) {
    std::string out{text};
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string_view cut_characters(std::string_view text, std::size_t max_characters) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        // A code point starts at every byte that is not a continuation byte.
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && seen++ == max_characters) return text.substr(0, i);
    }
    return text;
}

}  // namespace natter
