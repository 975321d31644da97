#include "fuzz/fuzz_checks.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace natter::fuzz {
namespace {

constexpr unsigned char iac = 255;
constexpr unsigned char se = 240;
constexpr unsigned char sb = 250;
constexpr unsigned char will = 251;
constexpr unsigned char dont = 254;

// Decodes the character at `text[i]`, advancing `i`; false if the bytes
// there are not one well-formed UTF-8 character.
bool next_code_point(std::string_view text, std::size_t& i, char32_t& cp) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    char32_t minimum = 0;
    if (lead < 0x80) {
        cp = lead;
        ++i;
        return true;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        cp = lead & 0x1FU;
        minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        cp = lead & 0x0FU;
        minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        cp = lead & 0x07U;
        minimum = 0x10000;
    } else {
        return false;
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
        const auto byte = static_cast<unsigned char>(text[i + k]);
        if ((byte & 0xC0U) != 0x80U) return false;
        cp = (cp << 6U) | (byte & 0x3FU);
    }
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += length;
    return true;
}

bool is_bidi_control(char32_t cp) { return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069); }

bool is_control(char32_t cp) { return (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F); }

}  // namespace

void check(bool ok, std::string_view what) {
    if (ok) return;
    std::fprintf(stderr, "fuzz check failed: %.*s\n", static_cast<int>(what.size()), what.data());
    std::abort();
}

bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    char32_t cp = 0;
    while (i < text.size()) {
        if (!next_code_point(text, i, cp)) return false;
    }
    return true;
}

bool is_sanitized(std::string_view text) {
    std::size_t i = 0;
    char32_t cp = 0;
    while (i < text.size()) {
        if (!next_code_point(text, i, cp) || is_control(cp) || is_bidi_control(cp)) return false;
    }
    return true;
}

bool is_valid_output(std::string_view bytes) {
    std::size_t i = 0;
    char32_t cp = 0;
    while (i < bytes.size()) {
        const auto byte = static_cast<unsigned char>(bytes[i]);
        if (byte == iac) {
            if (bytes.size() - i < 2) return false;
            const auto command = static_cast<unsigned char>(bytes[i + 1]);
            if (command == sb) {
                // A subnegotiation's payload is binary (CHARSET REQUEST,
                // TTYPE SEND, MSSP, GMCP); it must end with IAC SE, and a
                // 0xFF in it must be doubled.
                std::size_t k = i + 2;
                for (;;) {
                    if (bytes.size() - k < 2) return false;
                    if (static_cast<unsigned char>(bytes[k]) != iac) {
                        ++k;
                        continue;
                    }
                    const auto next = static_cast<unsigned char>(bytes[k + 1]);
                    if (next == se) break;
                    if (next != iac) return false;
                    k += 2;
                }
                i = k + 2;
                continue;
            }
            const bool negotiation = command >= will && command <= dont;
            if (negotiation && bytes.size() - i < 3) return false;
            // IAC IAC would be a data byte 0xFF, which sanitised text never has.
            if (command == iac) return false;
            i += negotiation ? 3 : 2;
            continue;
        }
        if (byte == 0x1B) {
            // Colour for a client that asked for it: SGR only (ESC [ digits
            // and semicolons m), never another escape sequence.
            if (bytes.size() - i < 3 || bytes[i + 1] != '[') return false;
            std::size_t k = i + 2;
            while (k < bytes.size() && (std::isdigit(static_cast<unsigned char>(bytes[k])) != 0 || bytes[k] == ';')) ++k;
            if (k >= bytes.size() || bytes[k] != 'm') return false;
            i = k + 1;
            continue;
        }
        if (byte == '\r') {
            if (bytes.size() - i < 2 || bytes[i + 1] != '\n') return false;
            i += 2;
            continue;
        }
        if (!next_code_point(bytes, i, cp) || is_control(cp) || is_bidi_control(cp)) return false;
    }
    return true;
}

void print_bytes(std::string_view label, std::string_view bytes) {
    std::fprintf(stderr, "%.*s (%zu bytes): ", static_cast<int>(label.size()), label.data(), bytes.size());
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7F && byte != '\\') {
            std::fputc(byte, stderr);
        } else {
            std::fprintf(stderr, "\\x%02x", byte);
        }
    }
    std::fputc('\n', stderr);
}

}  // namespace natter::fuzz
