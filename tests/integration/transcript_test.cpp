// Replays tests/transcripts/*.txt against natterd and against the classic
// Python server, and checks the transcript runner itself.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/python_seed.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/transcript.hpp"

#ifndef NATTER_TRANSCRIPT_DIR
#error "NATTER_TRANSCRIPT_DIR must name tests/transcripts"
#endif
#ifndef NATTER_SEED_PATH
#error "NATTER_SEED_PATH must name the classic seed004_chat.py"
#endif

using namespace natter::test;

namespace {

std::vector<Transcript> all_transcripts() {
    std::vector<Transcript> transcripts;
    for (const auto& file : transcript_files(NATTER_TRANSCRIPT_DIR)) {
        auto transcript = load_transcript(file);
        if (!transcript) {
            FAIL_CHECK("cannot parse " << file.string() << ":\n" << describe(transcript.error()));
            continue;
        }
        transcripts.push_back(std::move(*transcript));
    }
    return transcripts;
}

}  // namespace

TEST_CASE("Transcripts: every transcript replays exactly against natterd") {
    const auto transcripts = all_transcripts();
    REQUIRE(transcripts.size() >= 5);
    for (const auto& transcript : transcripts) {
        CAPTURE(transcript.name);
        ServerProcess server;  // a fresh server: no names left from the last one
        const auto mismatches = replay_transcript(transcript, server.port());
        CHECK_MESSAGE(mismatches.empty(), describe(mismatches));
    }
}

TEST_CASE("Transcripts: every transcript replays exactly against the classic Python server") {
    const std::string seed = NATTER_SEED_PATH;
    if (const auto missing = python_seed_unavailable(seed)) {
        // Loud on purpose: a skipped comparison must not look like a pass.
        MESSAGE("CLASSIC SERVER COMPARISON SKIPPED: " << *missing);
        WARN_MESSAGE(false, "the transcripts were NOT checked against the classic server");
        return;
    }
    const auto transcripts = all_transcripts();
    REQUIRE(transcripts.size() >= 5);
    for (const auto& transcript : transcripts) {
        CAPTURE(transcript.name);
        PythonSeed classic{seed};
        const auto mismatches = replay_transcript(transcript, classic.port());
        CHECK_MESSAGE(mismatches.empty(), describe(mismatches) << classic.stderr_text());
    }
}

TEST_CASE("Transcript: parse reads sends, expectations, closes and skips comments") {
    const auto parsed = parse_transcript("# a comment\n"
                                         "\n"
                                         "A> login alice\r\n"
                                         "A< Welcome to TestChat\n"
                                         "B>\n"
                                         "B< \n"
                                         "A! closed\n",
                                         "inline");
    REQUIRE(parsed);
    const auto& steps = parsed->steps;
    REQUIRE(steps.size() == 5);
    CHECK(steps[0].line == 3);
    CHECK(steps[0].client == 'A');
    CHECK(steps[0].kind == TranscriptStep::Kind::send);
    CHECK(steps[0].text == "login alice");
    CHECK(steps[1].kind == TranscriptStep::Kind::expect);
    CHECK(steps[1].text == "Welcome to TestChat");
    CHECK(steps[2].client == 'B');
    CHECK(steps[2].text.empty());
    CHECK(steps[3].kind == TranscriptStep::Kind::expect);
    CHECK(steps[3].text.empty());
    CHECK(steps[4].kind == TranscriptStep::Kind::closed);
    CHECK(steps[4].line == 7);
    CHECK(parsed->last_line == 7);
}

TEST_CASE("Transcript: parse reports every bad line with its number") {
    const auto parsed = parse_transcript("A> fine\n"
                                         "a> lower case client\n"
                                         "A> fine again\n"
                                         "A! gone\n"
                                         "just text\n",
                                         "broken");
    REQUIRE_FALSE(parsed);
    const auto& errors = parsed.error();
    REQUIRE(errors.size() == 3);
    CHECK(errors[0].line == 2);
    CHECK(errors[1].line == 4);
    CHECK(errors[2].line == 5);
    CHECK(errors[0].transcript == "broken");
}

TEST_CASE("Transcript: replay reports a wrong line, a missing close and an extra line") {
    ServerProcess server;
    const auto transcript = parse_transcript("A< Welcome to SomewhereElse\n"  // wrong
                                             "A> login alice\n"
                                             "A> look\n"
                                             "A< The following are in this room:\n"
                                             "A< alice\n"
                                             "A> say unexpected\n",  // its echo is not expected
                                             "wrong");
    REQUIRE(transcript);
    const auto mismatches = replay_transcript(*transcript, server.port());
    CAPTURE(describe(mismatches));
    REQUIRE(mismatches.size() == 2);
    CHECK(mismatches[0].line == 1);
    CHECK(mismatches[0].what.find("Welcome to TestChat") != std::string::npos);
    CHECK(mismatches[1].line == 6);
    CHECK(mismatches[1].what.find("alice: unexpected") != std::string::npos);

    const auto unclosed = parse_transcript("A< Welcome to TestChat\nA! closed\n", "unclosed");
    REQUIRE(unclosed);
    ReplayOptions quick;
    quick.timeout = Millis{300};
    const auto still_open = replay_transcript(*unclosed, server.port(), quick);
    REQUIRE(still_open.size() == 1);
    CHECK(still_open[0].line == 2);
}
