// LineFramer (SPEC §1): line ends, erasing, the length cap, and bytes split
// anywhere giving the same lines.
#include <doctest/doctest.h>

#include "tests/unit/printing.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "src/line_framer.hpp"

namespace natter {
namespace {

// Records what the framer reports; "<overlong>" marks a dropped line.
struct Recorder final : LineSink {
    std::vector<std::string> events;
    void on_line(std::string_view raw) override { events.emplace_back(raw); }
    void on_overlong_line() override { events.emplace_back("<overlong>"); }
};

std::vector<std::string> frame(std::string_view input, std::size_t max_bytes = 2048) {
    LineFramer framer{max_bytes};
    Recorder sink;
    framer.feed(input, sink);
    return sink.events;
}

// Feeds `input` in two pieces split at `cut`.
std::vector<std::string> frame_split(std::string_view input, std::size_t cut, std::size_t max_bytes) {
    LineFramer framer{max_bytes};
    Recorder sink;
    framer.feed(input.substr(0, cut), sink);
    framer.feed(input.substr(cut), sink);
    return sink.events;
}

std::vector<std::string> frame_bytewise(std::string_view input, std::size_t max_bytes) {
    LineFramer framer{max_bytes};
    Recorder sink;
    for (std::size_t i = 0; i < input.size(); ++i) framer.feed(input.substr(i, 1), sink);
    return sink.events;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("LineFramer: CR LF, LF, CR NUL and bare CR each end exactly one line") {
    CHECK(frame("one\r\n") == Lines{"one"});
    CHECK(frame("one\n") == Lines{"one"});
    CHECK(frame(std::string_view{"one\r\0", 5}) == Lines{"one"});
    CHECK(frame("one\r") == Lines{"one"});
    CHECK(frame("a\r\nb\nc\rd\r\n") == Lines{"a", "b", "c", "d"});
    CHECK(frame(std::string_view{"a\r\0b\r\n", 6}) == Lines{"a", "b"});
}

TEST_CASE("LineFramer: CR LF is one line end, not two") {
    CHECK(frame("a\r\n\r\nb\r\n") == Lines{"a", "", "b"});
    CHECK(frame("\r\n") == Lines{""});
}

TEST_CASE("LineFramer: a bare CR followed by text ends the line before it") {
    CHECK(frame("a\rb\n") == Lines{"a", "b"});
    CHECK(frame("a\r\rb\n") == Lines{"a", "", "b"});
    CHECK(frame("a\n\rb\n") == Lines{"a", "", "b"});
}

TEST_CASE("LineFramer: a CR LF split across two reads is still one line end") {
    LineFramer framer{2048};
    Recorder sink;
    framer.feed("hello\r", sink);
    framer.feed("\nworld\r", sink);
    framer.feed(std::string_view{"\0x\n", 3}, sink);
    CHECK(sink.events == Lines{"hello", "world", "x"});
}

TEST_CASE("LineFramer: a partial line waits for its line end") {
    LineFramer framer{2048};
    Recorder sink;
    framer.feed("say hel", sink);
    CHECK(sink.events.empty());
    CHECK(framer.partial_size() == 7);
    framer.feed("lo\n", sink);
    CHECK(sink.events == Lines{"say hello"});
    CHECK(framer.partial_size() == 0);
}

TEST_CASE("LineFramer: every input split at every byte position gives the same lines") {
    const std::vector<std::string> inputs{
        std::string{"login bob\r\nsay hi\nlook\r"} + std::string{"\0", 1} + "who\rq\r\n",
        "a\r\n\r\n\n\r\rb\r",
        "ab\x08\x08xy\x7f\r\n\x08\x08z\n",
        "h\xC3\xA9\x08llo \xF0\x9F\x98\x80\x7f!\r\n",
        "0123456789abcdef\r\nshort\r\n0123456789ABCDEFG\r\nnext\n",
        "\r\r\n\n\r\n",
    };
    constexpr std::size_t max_bytes = 16;
    for (const auto& input : inputs) {
        CAPTURE(input);
        const auto whole = frame(input, max_bytes);
        REQUIRE_FALSE(whole.empty());
        for (std::size_t cut = 0; cut <= input.size(); ++cut) {
            CAPTURE(cut);
            CHECK(frame_split(input, cut, max_bytes) == whole);
        }
        CHECK(frame_bytewise(input, max_bytes) == whole);
    }
}

TEST_CASE("LineFramer: a line's bytes do not linger in the buffer kept for the next line") {
    // Long enough to live on the heap, in the buffer the framer keeps.
    const std::string secret = "a password of more than fifteen bytes";
    struct Peek final : LineSink {
        const char* data = nullptr;
        std::size_t size = 0;
        void on_line(std::string_view raw) override {
            data = raw.data();
            size = raw.size();
        }
        void on_overlong_line() override {}
    } sink;
    LineFramer framer{2048};
    framer.feed(secret + "\r\n", sink);
    REQUIRE(sink.size == secret.size());
    CHECK(std::string_view{sink.data, sink.size} == std::string(secret.size(), '\0'));
    // The kept buffer still frames the next line.
    Recorder next;
    framer.feed("look\r\n", next);
    CHECK(next.events == std::vector<std::string>{"look"});
}

TEST_CASE("LineFramer: BS and DEL erase the previous character") {
    CHECK(frame("sax\x08y\r\n") == Lines{"say"});
    CHECK(frame("sax\x7fy\r\n") == Lines{"say"});
    CHECK(frame("abc\x08\x08\x08xyz\n") == Lines{"xyz"});
}

TEST_CASE("LineFramer: BS erases a whole multi-byte UTF-8 character") {
    CHECK(frame("a\xC3\xA9\x08\n") == Lines{"a"});              // é, 2 bytes
    CHECK(frame("a\xE2\x82\xAC\x08\n") == Lines{"a"});          // €, 3 bytes
    CHECK(frame("a\xF0\x9F\x98\x80\x7f\n") == Lines{"a"});      // 😀, 4 bytes
    CHECK(frame("\xC3\xA9\xC3\xA9\x08\n") == Lines{"\xC3\xA9"});  // only the last one
}

TEST_CASE("LineFramer: BS on an empty line erases nothing") {
    CHECK(frame("\x08\x08\x7fhi\n") == Lines{"hi"});
    CHECK(frame("ab\n\x08\x08\x08\x08" "c\n") == Lines{"ab", "c"});
}

TEST_CASE("LineFramer: erase_line drops the partial line, erase_character one character") {
    LineFramer framer{2048};
    Recorder sink;
    framer.feed("secret", sink);
    framer.erase_line();
    framer.feed("ok\xC3\xA9", sink);
    framer.erase_character();
    framer.feed("!\n", sink);
    CHECK(sink.events == Lines{"ok!"});
}

TEST_CASE("LineFramer: a line over the limit is dropped with exactly one report") {
    const std::string overlong(3000, 'x');
    CHECK(frame(overlong + "\r\nnext\r\n", 2048) == Lines{"<overlong>", "next"});
}

TEST_CASE("LineFramer: an overlong line fed in small pieces is reported once") {
    LineFramer framer{64};
    Recorder sink;
    for (int i = 0; i < 100; ++i) framer.feed("0123456789", sink);
    framer.feed("\r\n", sink);
    framer.feed("after\r\n", sink);
    CHECK(sink.events == Lines{"<overlong>", "after"});
}

TEST_CASE("LineFramer: a line of exactly the limit passes, one more byte does not") {
    const std::string exact(64, 'a');
    CHECK(frame(exact + "\n", 64) == Lines{exact});
    CHECK(frame(exact + "b\n", 64) == Lines{"<overlong>"});
    // Erased characters do not count against the limit.
    CHECK(frame(exact + "\x08" + "b\n", 64) == Lines{std::string(63, 'a') + "b"});
}

TEST_CASE("LineFramer: the limit counts bytes, not characters") {
    // 32 two-byte characters are 64 bytes: at the limit.
    std::string two_byte;
    for (int i = 0; i < 32; ++i) two_byte += "\xC3\xA9";
    CHECK(frame(two_byte + "\n", 64) == Lines{two_byte});
    CHECK(frame(two_byte + "x\n", 64) == Lines{"<overlong>"});
}

}  // namespace natter

TEST_CASE("LineFramer: BS after a stray continuation byte erases only that byte") {
    natter::LineFramer framer{64};
    struct Sink final : natter::LineSink {
        std::vector<std::string> lines;
        void on_line(std::string_view raw) override { lines.emplace_back(raw); }
        void on_overlong_line() override {}
    } sink;
    framer.feed("a\x80\b\r\n", sink);
    REQUIRE(sink.lines.size() == 1);
    CHECK(sink.lines[0] == "a");
}
