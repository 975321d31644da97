// bench/tests/telnet_filter_test.cpp — TelnetFilter: the text of a server's
// telnet stream, fed whole, split at every byte, and with every sequence
// natter sends a MUD client.
#include "bench/telnet_filter.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace natter::bench {
namespace {

using namespace std::string_literals;

// A GMCP message as natter sends it: IAC SB 201 <package> <json> IAC SE.
std::string gmcp(std::string_view body) { return "\xFF\xFA\xC9"s + std::string{body} + "\xFF\xF0"s; }

// Feeds `in` in pieces of `piece` bytes; requires that none holds a start marker.
std::string filtered(std::string_view in, std::size_t piece, TelnetCounts& counts) {
    TelnetFilter filter;
    std::string text;
    for (std::size_t at = 0; at < in.size(); at += piece) {
        const auto part = in.substr(at, piece);
        const auto fed = filter.feed(part, text, counts);
        REQUIRE(fed.consumed == part.size());
        REQUIRE_FALSE(fed.compression_starts);
    }
    CHECK(filter.in_text());
    return text;
}

std::string filtered(std::string_view in) {
    TelnetCounts counts;
    return filtered(in, in.size() + 1, counts);
}

// What natter sends a GMCP client around one say, prompt marks and all.
const std::string mud_stream = "Welcome to BenchChat\r\n"s + "\xFF\xFB\xC9"s + "\xFF\xF1"s +
                               gmcp(R"(Char.Name {"name":"u3"})") + "u1: b 1 7 123\r\n"s +
                               gmcp(R"(Comm.Channel.Text {"channel":"lobby","talker":"u1","text":"b 1 7 123"})") +
                               "name? \xFF\xF9"s + "u2: b 2 0 9\r\n"s + "ok \xFF\xEF"s + "caf\xFF\xFF\r\n"s;
const std::string mud_text = "Welcome to BenchChat\r\nu1: b 1 7 123\r\nname? \nu2: b 2 0 9\r\nok \ncaf\xFF\r\n";

}  // namespace

TEST_CASE("TelnetFilter: text without IAC passes as it is") {
    CHECK(filtered("u1: b 1 2 3\r\nu2: b 2 0 4\r\n") == "u1: b 1 2 3\r\nu2: b 2 0 4\r\n");
    CHECK(filtered("") == "");
}

TEST_CASE("TelnetFilter: negotiations, commands and GMCP go, IAC IAC stays as one 0xFF, GA and EOR end a line") {
    TelnetCounts counts;
    CHECK(filtered(mud_stream, mud_stream.size(), counts) == mud_text);
    CHECK(counts.negotiations == 1);
    CHECK(counts.subnegotiations == 2);
    CHECK(counts.gmcp_messages == 2);
    CHECK(counts.commands == 3);  // NOP, GA, EOR
}

TEST_CASE("TelnetFilter: the same text with the stream split at every byte") {
    for (std::size_t piece = 1; piece <= mud_stream.size(); ++piece) {
        CAPTURE(piece);
        TelnetCounts counts;
        CHECK(filtered(mud_stream, piece, counts) == mud_text);
        CHECK(counts.gmcp_messages == 2);
    }
}

TEST_CASE("TelnetFilter: an escaped IAC inside a subnegotiation does not end it") {
    TelnetCounts counts;
    CHECK(filtered("a"s + gmcp("x \xFF\xFF\xF0 y") + "b\r\n"s, 100, counts) == "ab\r\n");
    CHECK(counts.gmcp_messages == 1);
}

TEST_CASE("TelnetFilter: a command inside a subnegotiation ends it and counts as itself") {
    TelnetCounts counts;
    // IAC SB GMCP ... IAC GA: the message is cut short, the GA ends a line.
    CHECK(filtered("a\xFF\xFA\xC9xyz\xFF\xF9rest\r\n"s, 100, counts) == "a\nrest\r\n");
    CHECK(counts.subnegotiations == 1);
    CHECK(counts.commands == 1);
}

TEST_CASE("TelnetFilter: feeding stops right after the MCCP2 start marker") {
    TelnetFilter filter;
    TelnetCounts counts;
    std::string text;
    const std::string in = "hi\r\n\xFF\xFB\x56\xFF\xFA\x56\xFF\xF0\x78\x9C"s;
    const auto fed = filter.feed(in, text, counts);
    CHECK(fed.compression_starts);
    CHECK(fed.consumed == in.size() - 2);
    CHECK(text == "hi\r\n");
    CHECK(filter.in_text());
}

TEST_CASE("TelnetFilter: the marker split across reads is still found") {
    const std::string in = "\xFF\xFA\x56\xFF\xF0"s;
    for (std::size_t cut = 1; cut < in.size(); ++cut) {
        CAPTURE(cut);
        TelnetFilter filter;
        TelnetCounts counts;
        std::string text;
        CHECK_FALSE(filter.feed(std::string_view{in}.substr(0, cut), text, counts).compression_starts);
        const auto fed = filter.feed(std::string_view{in}.substr(cut), text, counts);
        CHECK(fed.compression_starts);
        CHECK(fed.consumed == in.size() - cut);
        CHECK(text.empty());
    }
}

TEST_CASE("TelnetFilter: a subnegotiation of option 86 with a payload is not the start marker") {
    TelnetFilter filter;
    TelnetCounts counts;
    std::string text;
    const std::string in = "\xFF\xFA\x56x\xFF\xF0ok"s;
    const auto fed = filter.feed(in, text, counts);
    CHECK_FALSE(fed.compression_starts);
    CHECK(fed.consumed == in.size());
    CHECK(text == "ok");
}

TEST_CASE("TelnetFilter: in_text is false while a sequence is open") {
    TelnetFilter filter;
    TelnetCounts counts;
    std::string text;
    (void)filter.feed("\xFF"s, text, counts);
    CHECK_FALSE(filter.in_text());
    (void)filter.feed("\xFA\xC9{"s, text, counts);
    CHECK_FALSE(filter.in_text());
    (void)filter.feed("}\xFF\xF0"s, text, counts);
    CHECK(filter.in_text());
    CHECK(text.empty());
}

}  // namespace natter::bench
