// bench/tests/json_text_test.cpp — json_text_field: the `text` of natter's
// JSON events, with and without escapes, and the objects that have none.
#include "bench/json_text.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace natter::bench {
namespace {

struct Found {
    JsonText status;
    std::string text;
};

Found text_of(std::string_view object) {
    std::string scratch;
    std::string_view text;
    const JsonText status = json_text_field(object, text, scratch);
    return {status, std::string{text}};
}

TEST_CASE("json_text: a say event's text, without a copy when nothing is escaped") {
    const std::string_view say =
        R"({"at":"2026-12-02T00:39:51Z","from":"Webby","message":"b 1 2 3","room":"lobby","text":"Webby: b 1 2 3","type":"say","v":1})";
    std::string scratch;
    std::string_view text;
    REQUIRE(json_text_field(say, text, scratch) == JsonText::found);
    CHECK(text == "Webby: b 1 2 3");
    CHECK(text.data() >= say.data());
    CHECK(text.data() < say.data() + say.size());
    CHECK(scratch.empty());
}

TEST_CASE("json_text: system lines and escapes") {
    CHECK(text_of(R"({"text":"Welcome to TestChat","type":"system","v":1})").text == "Welcome to TestChat");
    const Found quoted = text_of(R"({"text":"The name \"bob\" is taken \\ sorry\/ok\ttab","type":"system","v":1})");
    CHECK(quoted.status == JsonText::found);
    CHECK(quoted.text == "The name \"bob\" is taken \\ sorry/ok\ttab");
    // \u escapes: a two-byte, a three-byte and a surrogate pair (U+1F600).
    const Found unicode = text_of(R"({"text":"caf\u00e9 \u20ac \ud83d\ude00 \u0001","v":1})");
    CHECK(unicode.status == JsonText::found);
    CHECK(unicode.text == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \x01");
    CHECK(text_of(R"({ "text" : "spaced" })").text == "spaced");
}

TEST_CASE("json_text: events without a line, and `text` as a value or inside a string") {
    CHECK(text_of(R"({"name":"Webby","room":"lobby","type":"signed_in","v":1})").status == JsonText::absent);
    CHECK(text_of(R"({"reason":"logout","type":"goodbye","v":1})").status == JsonText::absent);
    // "text" as a value, then as escaped quotes in a message: neither is the key.
    const Found value = text_of(R"({"from":"text","message":"say \"text\":\"no\"","text":"real"})");
    CHECK(value.status == JsonText::found);
    CHECK(value.text == "real");
    CHECK(text_of(R"({"from":"text","v":1})").status == JsonText::absent);
}

TEST_CASE("json_text: malformed strings are reported, never read past the end") {
    CHECK(text_of(R"({"text":"unterminated)").status == JsonText::malformed);
    CHECK(text_of(R"({"text":"bad \q escape"})").status == JsonText::malformed);
    CHECK(text_of(R"({"text":"ends in \)").status == JsonText::malformed);
    CHECK(text_of(R"({"text":"\u12"})").status == JsonText::malformed);
    CHECK(text_of(R"({"text":"lone \udc00 low"})").status == JsonText::malformed);
    CHECK(text_of(R"({"text":"high \ud83d alone"})").status == JsonText::malformed);
    CHECK(text_of(R"({"text":42})").status == JsonText::malformed);
    CHECK(text_of(R"({"text":)").status == JsonText::malformed);
}

}  // namespace
}  // namespace natter::bench
