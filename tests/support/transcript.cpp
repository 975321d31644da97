#include "tests/support/transcript.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>

#include "tests/support/printable.hpp"

namespace natter::test {
namespace {

constexpr std::size_t max_mismatches = 20;

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

std::string in_quotes(std::string_view text) { return '"' + printable(text) + '"'; }

}  // namespace

std::ostream& operator<<(std::ostream& out, const Mismatch& mismatch) {
    return out << mismatch.transcript << ':' << mismatch.line << ": " << mismatch.what;
}

std::string describe(const std::vector<Mismatch>& mismatches) {
    std::ostringstream out;
    for (const auto& mismatch : mismatches) out << mismatch << '\n';
    return out.str();
}

tl::expected<Transcript, std::vector<Mismatch>> parse_transcript(std::string_view text,
                                                                 std::string name) {
    Transcript transcript;
    transcript.name = std::move(name);
    std::vector<Mismatch> errors;
    int number = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (is_blank(line) || line.front() == '#') continue;

        TranscriptStep step;
        step.line = number;
        const bool shaped = line.size() >= 2 && line[0] >= 'A' && line[0] <= 'Z' &&
                            (line[1] == '>' || line[1] == '<' || line[1] == '!');
        if (!shaped) {
            errors.push_back({transcript.name, number,
                              "not a step: want \"X> send\", \"X< expect\", \"X! closed\" or "
                              "\"# comment\", got " + in_quotes(line)});
            continue;
        }
        step.client = line[0];
        std::string_view rest = line.substr(2);
        if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        step.text = std::string{rest};
        if (line[1] == '>') {
            step.kind = TranscriptStep::Kind::send;
        } else if (line[1] == '<') {
            step.kind = TranscriptStep::Kind::expect;
        } else if (rest == "closed") {
            step.kind = TranscriptStep::Kind::closed;
        } else {
            errors.push_back({transcript.name, number,
                              "the only event is \"X! closed\", got " + in_quotes(line)});
            continue;
        }
        transcript.steps.push_back(std::move(step));
        transcript.last_line = number;
    }
    if (!errors.empty()) return tl::unexpected{std::move(errors)};
    return transcript;
}

tl::expected<Transcript, std::vector<Mismatch>> load_transcript(
    const std::filesystem::path& file) {
    std::ifstream in{file, std::ios::binary};
    if (!in) {
        return tl::unexpected{std::vector<Mismatch>{{file.string(), 0, "cannot read the file"}}};
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_transcript(text.str(), file.filename().string());
}

std::vector<std::filesystem::path> transcript_files(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator{directory, error}) {
        if (entry.is_regular_file() && entry.path().extension() == ".txt") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<Mismatch> replay_transcript(const Transcript& transcript, std::uint16_t port,
                                        const ReplayOptions& options) {
    std::vector<Mismatch> mismatches;
    std::map<char, std::unique_ptr<TcpClient>> clients;  // by letter, connected on first use
    auto report = [&](int line, std::string what) {
        mismatches.push_back({transcript.name, line, std::move(what)});
    };
    const std::string waited = " within " + std::to_string(options.timeout.count()) + " ms";

    for (const auto& step : transcript.steps) {
        if (mismatches.size() >= max_mismatches) break;
        auto& client = clients[step.client];
        if (!client) {
            try {
                client = std::make_unique<TcpClient>(port, std::string_view{}, options.timeout);
            } catch (const std::exception& e) {
                report(step.line, std::string{"client "} + step.client + " cannot connect: " + e.what());
                return mismatches;
            }
        }
        const std::string who = std::string{"client "} + step.client;
        switch (step.kind) {
        case TranscriptStep::Kind::send:
            if (!client->send_line(step.text, options.timeout)) {
                report(step.line, who + " could not send " + in_quotes(step.text) +
                                      " (connection closed?)");
            }
            break;
        case TranscriptStep::Kind::expect: {
            const auto got = client->read_line(options.timeout);
            if (!got) {
                report(step.line, who + " expected " + in_quotes(step.text) + ", got " +
                                      (client->peer_closed() ? "a closed connection"
                                                             : "nothing" + waited));
                return mismatches;  // every later wait would time out as well
            }
            if (*got != step.text) {
                report(step.line, who + " expected " + in_quotes(step.text) + ", got " + in_quotes(*got));
            }
            break;
        }
        case TranscriptStep::Kind::closed: {
            const auto got = client->read_line(options.timeout);
            if (got) {
                report(step.line, who + " expected the connection to close, got " + in_quotes(*got));
            } else if (!client->peer_closed()) {
                report(step.line, who + " expected the connection to close; still open" + waited);
                return mismatches;
            }
            break;
        }
        }
    }
    // Nothing may be left unread: a server that says more than the
    // transcript shows is as wrong as one that says less.
    for (auto& [letter, client] : clients) {
        if (mismatches.size() >= max_mismatches || client->peer_closed()) continue;
        if (const auto extra = client->read_line(options.quiet)) {
            report(transcript.last_line, std::string{"client "} + letter +
                                             " received a line the transcript does not show: " +
                                             in_quotes(*extra));
        }
    }
    return mismatches;
}

}  // namespace natter::test
