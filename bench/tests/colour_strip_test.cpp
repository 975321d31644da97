// bench/tests/colour_strip_test.cpp — strip_escapes: natter's coloured
// lines become the plain ones, so they classify as the same bench lines.
#include "bench/colour_strip.hpp"
#include "bench/dialect.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace natter::bench {
namespace {

std::string stripped(std::string_view line) {
    std::string out;
    strip_escapes(line, out);
    return out;
}

}  // namespace

TEST_CASE("strip_escapes: a line without escapes is unchanged") {
    CHECK_FALSE(has_escape("u1: b 1 2 3"));
    CHECK_FALSE(has_escape(""));
    CHECK(stripped("u1: b 1 2 3") == "u1: b 1 2 3");
}

TEST_CASE("strip_escapes: 16, 256 and true colour names and notices come out plain") {
    CHECK(has_escape("\x1b[1;32mu1\x1b[0m: b 1 2 3"));
    CHECK(stripped("\x1b[1;32mu1\x1b[0m: b 1 2 3") == "u1: b 1 2 3");
    CHECK(stripped("\x1b[1;38;5;75mu1\x1b[0m: b 1 2 3") == "u1: b 1 2 3");
    CHECK(stripped("\x1b[1;38;2;250;200;60mu12\x1b[0m: b 12 0 99") == "u12: b 12 0 99");
    CHECK(stripped("\x1b[38;5;180mu4 has entered the room.\x1b[0m") == "u4 has entered the room.");
}

TEST_CASE("strip_escapes: OSC, two-byte sequences and a sequence cut by the line end") {
    CHECK(stripped("a\x1b]0;title\x07" "b") == "ab");
    CHECK(stripped("a\x1b]8;;http://x\x1b\\b") == "ab");
    CHECK(stripped("a\x1b" "cb") == "ab");
    CHECK(stripped("ab\x1b[1;3") == "ab");
    CHECK(stripped("ab\x1b") == "ab");
}

TEST_CASE("strip_escapes: a coloured say classifies as the plain bench line") {
    const Dialect dialect{Proto::natter, "#bench"};
    const std::string plain = stripped("\x1b[1;38;5;75mu7\x1b[0m: b 7 41 123456789");
    const Line line = dialect.classify(plain);
    CHECK(line.kind == LineKind::chat);
    CHECK(line.sender == 7);
    CHECK(line.seq == 41);
    CHECK(line.sent_ns == 123456789);
    CHECK(line.token == "u7");
    // Unstripped, the name is not where a bench line has it.
    CHECK(dialect.classify("\x1b[1;38;5;75mu7\x1b[0m: b 7 41 123456789").token != "u7");
}

}  // namespace natter::bench
