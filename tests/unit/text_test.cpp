// Text (SPEC §1): UTF-8 repair and removal of everything that could drive
// another user's terminal; trim and ascii_lower.
#include <doctest/doctest.h>

#include "tests/unit/printing.hpp"

#include <string>
#include <string_view>

#include "src/text.hpp"

namespace natter {
namespace {

const std::string replacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        if (c < 0x80) n = 1;
        else if (c >= 0xC2 && c <= 0xDF) n = 2;
        else if (c >= 0xE0 && c <= 0xEF) n = 3;
        else if (c >= 0xF0 && c <= 0xF4) n = 4;
        else return false;
        if (i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n;
    }
    return true;
}

}  // namespace

TEST_CASE("Text: sanitize keeps printable ASCII and TAB unchanged") {
    CHECK(sanitize("hello, world! ~{}[]") == "hello, world! ~{}[]");
    CHECK(sanitize("a\tb") == "a\tb");
    CHECK(sanitize("") == "");
}

TEST_CASE("Text: sanitize keeps valid multi-byte UTF-8") {
    const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80";
    CHECK(sanitize(text) == text);
    CHECK(sanitize("\xC3\xA9\x07") == "\xC3\xA9");  // the slow path keeps it too
}

TEST_CASE("Text: sanitize turns invalid UTF-8 into U+FFFD") {
    CHECK(sanitize("a\xFF" "b") == "a" + replacement + "b");
    CHECK(sanitize("a\x80" "b") == "a" + replacement + "b");            // stray continuation byte
    CHECK(sanitize("a\xC3") == "a" + replacement);                      // truncated at the end
    CHECK(sanitize("\xC0\xAF") == replacement + replacement);           // overlong '/'
    CHECK(sanitize("\xED\xA0\x80") == replacement + replacement + replacement);  // a surrogate
    CHECK(sanitize("\xF5\x80\x80\x80").find(replacement) == 0);         // beyond U+10FFFF
    CHECK(is_valid_utf8(sanitize("x\xE2\x82y\xF0\x9F\x98z")));
    CHECK(sanitize("x\xE2\x82y").find('y') != std::string::npos);     // the text after survives
}

TEST_CASE("Text: sanitize removes C0 controls except TAB") {
    std::string all_c0;
    for (int c = 1; c < 0x20; ++c) all_c0.push_back(static_cast<char>(c));
    CHECK(sanitize("a" + all_c0 + "b") == "a\tb");
    CHECK(sanitize(std::string{"a\0b", 3}) == "ab");
    CHECK(sanitize("a\r\nb") == "ab");
    CHECK(sanitize("bell\x07") == "bell");
}

TEST_CASE("Text: sanitize removes ESC so no escape sequence gets through") {
    CHECK(sanitize("\x1B[2J\x1B[31mred") == "[2J[31mred");
    CHECK(sanitize("\x1B]0;title\x07") == "]0;title");
}

TEST_CASE("Text: sanitize removes DEL") { CHECK(sanitize("a\x7F" "b") == "ab"); }

TEST_CASE("Text: sanitize removes C1 controls encoded in UTF-8") {
    std::string all_c1;
    for (int c = 0x80; c <= 0x9F; ++c) {
        all_c1.push_back(static_cast<char>(0xC2));
        all_c1.push_back(static_cast<char>(c));
    }
    CHECK(sanitize("a" + all_c1 + "b") == "ab");
    CHECK(sanitize("\xC2\x9B" "31mred") == "31mred");  // U+009B, CSI
    CHECK(sanitize("\xC2\xA0") == "\xC2\xA0");          // U+00A0 is not a control
}

TEST_CASE("Text: sanitize removes bidi overrides and isolates") {
    for (const char* mark : {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE",
                             "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"}) {
        CAPTURE(mark);
        CHECK(sanitize(std::string{"a"} + mark + "b") == "ab");
    }
    // Neighbours of the ranges stay.
    CHECK(sanitize("\xE2\x80\xA9") == "\xE2\x80\xA9");  // U+2029
    CHECK(sanitize("\xE2\x80\xAF") == "\xE2\x80\xAF");  // U+202F
    CHECK(sanitize("\xE2\x81\xA5") == "\xE2\x81\xA5");  // U+2065
    CHECK(sanitize("\xE2\x81\xAA") == "\xE2\x81\xAA");  // U+206A
}

TEST_CASE("Text: sanitize never outputs the byte 0xFF") {
    for (int b = 0; b < 256; ++b) {
        CAPTURE(b);
        const std::string in{"x", 1};
        const auto out = sanitize(in + static_cast<char>(b) + static_cast<char>(0xFF) + "\xFE\xFF");
        CHECK(out.find('\xFF') == std::string::npos);
        CHECK(is_valid_utf8(out));
    }
}

TEST_CASE("Text: trim removes leading and trailing spaces and tabs only") {
    CHECK(trim("  \thello world \t ") == "hello world");
    CHECK(trim("hello") == "hello");
    CHECK(trim("   ") == "");
    CHECK(trim("") == "");
    CHECK(trim(" a ") == "a");
    CHECK(trim("\xC2\xA0x") == "\xC2\xA0x");
}

TEST_CASE("Text: ascii_lower lowers ASCII letters only") {
    CHECK(ascii_lower("HeLLo_World-42") == "hello_world-42");
    CHECK(ascii_lower("\xC3\x89") == "\xC3\x89");  // É stays
    CHECK(ascii_lower("@[`{") == "@[`{");           // neighbours of A-Z and a-z
}

}  // namespace natter

namespace natter {

TEST_CASE("Text: cut_characters keeps whole code points, counting characters not bytes") {
    CHECK(cut_characters("hello", 3) == "hel");
    CHECK(cut_characters("hello", 5) == "hello");
    CHECK(cut_characters("hello", 50) == "hello");
    CHECK(cut_characters("", 3).empty());
    CHECK(cut_characters("abc", 0).empty());
    // "déjà" is 4 characters in 6 bytes.
    CHECK(cut_characters("d\xC3\xA9j\xC3\xA0 vu", 4) == "d\xC3\xA9j\xC3\xA0");
    CHECK(cut_characters("d\xC3\xA9j\xC3\xA0", 2) == "d\xC3\xA9");
    CHECK(cut_characters("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 1) == "\xF0\x9F\x98\x80");
}

}  // namespace natter
