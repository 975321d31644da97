// Text layout: display widths by grapheme cluster (the emoji cases where
// per-code-point sums are wrong), word wrapping to a width with indented
// continuation lines that never split a cluster or an escape sequence and
// carry colour over, and the 7-bit form for clients that refused UTF-8.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "src/text_layout.hpp"
#include "tests/unit/test_world.hpp"

namespace natter {
namespace {

std::vector<std::string> wrapped(std::string_view line, std::size_t width, std::size_t indent = 2) {
    std::string out;
    append_wrapped(out, line, width, indent);
    REQUIRE(out.ends_with("\r\n"));
    return test::split_lines(out);
}

}  // namespace

TEST_CASE("Text layout: display widths count clusters as terminals draw them") {
    CHECK(display_width("hello") == 5);
    CHECK(display_width("") == 0);
    CHECK(display_width("h\xC3\xA9llo") == 5);                       // é precomposed
    CHECK(display_width("he\xCC\x81llo") == 5);                      // e + combining acute
    CHECK(display_width("\xE6\x97\xA5\xE6\x9C\xAC") == 4);           // 日本
    CHECK(display_width("\xF0\x9F\x91\x8D") == 2);                   // 👍
    CHECK(display_width("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD") == 2);   // 👍🏽 (skin tone)
    CHECK(display_width("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7") == 2);  // family
    CHECK(display_width("\xE2\x9D\xA4\xEF\xB8\x8F") == 2);           // ❤️
    CHECK(display_width("\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7") == 2);   // flag FR
    CHECK(display_width("\x1b[1;36mBob\x1b[0m: hi") == 7);          // colour takes no columns
}

TEST_CASE("Text layout: a line that fits, or width 0, is left as it is") {
    CHECK(wrapped("Alice: hello there", 80) == std::vector<std::string>{"Alice: hello there"});
    CHECK(wrapped("Alice: hello there", 18) == std::vector<std::string>{"Alice: hello there"});
    CHECK(wrapped(std::string(500, 'x'), 0) == std::vector<std::string>{std::string(500, 'x')});
}

TEST_CASE("Text layout: lines break at spaces, continuation lines indented") {
    CHECK(wrapped("Alice: the quick brown fox jumps over the lazy dog", 20) ==
          std::vector<std::string>{"Alice: the quick", "  brown fox jumps", "  over the lazy dog"});
    CHECK(wrapped("Alice: the quick brown fox", 20, 0) == std::vector<std::string>{"Alice: the quick", "brown fox"});
}

TEST_CASE("Text layout: every line fits the width, whatever the text") {
    const std::string text =
        "Bob: short words and \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE6\x96\x87\xE7\xAB\xA0 and "
        "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD emoji and averyveryveryverylongwordwithoutanyspacesinsideitatall end";
    for (std::size_t width = 8; width <= 60; ++width) {
        CAPTURE(width);
        const auto lines = wrapped(text, width);
        std::string joined;
        for (const auto& line : lines) {
            CHECK(display_width(line) <= width);
            joined += line;
        }
        // Nothing lost but the spaces at the breaks and the indents.
        std::string squeezed_in;
        std::string squeezed_out;
        for (char c : text) {
            if (c != ' ') squeezed_in += c;
        }
        for (char c : joined) {
            if (c != ' ') squeezed_out += c;
        }
        CHECK(squeezed_out == squeezed_in);
    }
}

TEST_CASE("Text layout: a word longer than the line is broken between clusters, never inside one") {
    const auto lines = wrapped("x \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", 5, 0);
    // Three 2-column clusters of 8 bytes each, a word wider than any line
    // of 5: it starts after "x ", and two fit on each line after that.
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "x \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD");
    CHECK(lines[1] == "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD");
    CHECK(wrapped("abcdefghij", 4, 0) == std::vector<std::string>{"abcd", "efgh", "ij"});
}

TEST_CASE("Text layout: colour is closed at a break and reopened after the indent") {
    const auto lines = wrapped("\x1b[33mAlice tells you: one two three four\x1b[0m", 16);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "\x1b[33mAlice tells you:\x1b[0m");
    CHECK(lines[1] == "  \x1b[33mone two three\x1b[0m");
    CHECK(lines[2] == "  \x1b[33mfour\x1b[0m");
    // An escape sequence is never split, even where it lands at a break.
    const auto named = wrapped("\x1b[1;36mBob\x1b[0m: aaaa bbbb cccc", 9, 0);
    CHECK(named == std::vector<std::string>{"\x1b[1;36mBob\x1b[0m: aaaa", "bbbb cccc"});
}

TEST_CASE("Text layout: leading spaces of the first line stay, those at breaks go") {
    CHECK(wrapped("  help    list the commands here", 14, 4) ==
          std::vector<std::string>{"  help    list", "    the", "    commands", "    here"});
}

TEST_CASE("Text layout: the 7-bit form keeps ASCII and colour, strips marks, and marks the rest") {
    CHECK(to_ascii("plain text") == "plain text");
    CHECK(to_ascii("caf\xC3\xA9 na\xC3\xAFve") == "cafe naive");
    CHECK(to_ascii("cafe\xCC\x81") == "cafe");
    CHECK(to_ascii("\xE6\x97\xA5\xE6\x9C\xAC") == "??");
    CHECK(to_ascii("ok \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD!") == "ok ?!");
    CHECK(to_ascii("\x1b[33mhi\x1b[0m") == "\x1b[33mhi\x1b[0m");
}

}  // namespace natter
