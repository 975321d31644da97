// Transcripts: chat sessions written as plain text, replayed against any
// server that speaks the classic protocol (natterd or the Python seed).
//
//   # a comment; blank lines are ignored too
//   A> login alice          client A sends "login alice" + CR LF
//   A< Welcome to TestChat  the next line A receives is exactly this
//   A! closed               the server closes A's connection next
//
// Clients are single capital letters and connect at their first mention.
// Nothing is skipped implicitly: after the last step every client still
// connected must stay quiet for a moment. One space after the marker is
// part of the syntax, so "A< " expects an empty line.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "tests/support/tcp_client.hpp"

namespace natter::test {

struct TranscriptStep {
    enum class Kind { send, expect, closed };
    int line = 0;  // 1-based line in the transcript file
    char client = 'A';
    Kind kind = Kind::send;
    std::string text;  // sent or expected, without the line end
};

struct Transcript {
    std::string name;  // for messages: usually the file name
    std::vector<TranscriptStep> steps;
    int last_line = 0;
};

// One difference between a transcript and what a server did, or one
// syntax error in a transcript.
struct Mismatch {
    std::string transcript;
    int line = 0;
    std::string what;
};
std::ostream& operator<<(std::ostream& out, const Mismatch& mismatch);
// All mismatches, one "name:line: what" per line, for a failure message.
std::string describe(const std::vector<Mismatch>& mismatches);

[[nodiscard]] tl::expected<Transcript, std::vector<Mismatch>> parse_transcript(
    std::string_view text, std::string name);
[[nodiscard]] tl::expected<Transcript, std::vector<Mismatch>> load_transcript(
    const std::filesystem::path& file);
// The *.txt files of a directory, sorted by name.
std::vector<std::filesystem::path> transcript_files(const std::filesystem::path& directory);

struct ReplayOptions {
    Millis timeout = default_timeout;  // for each expected line
    Millis quiet = Millis{200};        // silence demanded after the last step
};

// Plays the transcript against 127.0.0.1:port with fresh connections;
// empty when the server behaved exactly as written. Stops early when a
// wait times out (everything after would time out too).
std::vector<Mismatch> replay_transcript(const Transcript& transcript, std::uint16_t port,
                                        const ReplayOptions& options = {});

}  // namespace natter::test
