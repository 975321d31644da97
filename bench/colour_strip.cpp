// bench/colour_strip.cpp — escape sequences (ECMA-48) out of a line.
#include "bench/colour_strip.hpp"

#include <cstring>

namespace natter::bench {
namespace {

constexpr char esc = '\x1b';
constexpr char bel = '\x07';

}  // namespace

bool has_escape(std::string_view line) noexcept {
    return !line.empty() && std::memchr(line.data(), esc, line.size()) != nullptr;
}

void strip_escapes(std::string_view line, std::string& out) {
    std::size_t i = 0;
    const std::size_t n = line.size();
    while (i < n) {
        const std::size_t found = line.find(esc, i);
        if (found == std::string_view::npos) {
            out.append(line.substr(i));
            return;
        }
        out.append(line.substr(i, found - i));
        i = found + 1;
        if (i >= n) return;
        const char kind = line[i++];
        if (kind == '[') {
            // CSI: parameter bytes 0x30-0x3F, intermediates 0x20-0x2F, then
            // one final byte 0x40-0x7E.
            while (i < n && line[i] >= 0x20 && line[i] <= 0x3F) ++i;
            if (i < n && line[i] >= 0x40 && line[i] <= 0x7E) ++i;
        } else if (kind == ']') {
            // OSC: up to BEL or ST (ESC \).
            while (i < n && line[i] != bel && !(line[i] == esc && i + 1 < n && line[i + 1] == '\\')) ++i;
            if (i < n) i += line[i] == bel ? 1 : 2;
        }
        // Any other ESC x is a two-byte sequence: `kind` is already skipped.
    }
}

}  // namespace natter::bench
