// natterd's log on stdout in both [log] formats: every line in the format,
// stamped in UTC with a Z whatever the local zone, user text intact.
#include <doctest/doctest.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/chat_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

namespace {

// A zone nine hours from UTC, so a local-time stamp cannot pass for UTC.
const std::vector<std::string> tokyo_time{"env", "TZ=JST-9"};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Seconds between an RFC 3339 UTC stamp ("2024-02-29T23:59:58.007Z") and now.
long seconds_from_now(const std::string& stamp) {
    std::tm tm{};
    int millis = 0;
    if (std::sscanf(stamp.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) != 7) {
        return 1'000'000;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    return static_cast<long>(timegm(&tm) - now);
}

// Logs in, says `text`, and waits until natterd has logged the line.
void say_and_wait(ServerProcess& server, const std::string& text) {
    TcpClient amy = login_client(server.port(), "amy");
    amy.send_line("say " + text);
    REQUIRE(amy.expect_line("amy: " + text));
    amy.send_line("quit");
    REQUIRE(server.wait_for_log("disconnect"));
}

}  // namespace

TEST_CASE("Log: the text format stamps every line in UTC with a Z") {
    ServerProcess server{{.launcher = tokyo_time}};
    say_and_wait(server, "hello there");
    REQUIRE(server.terminate() == 0);

    const std::regex line_format{R"(\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\] \[(\w+)\] (.+))"};
    const auto lines = lines_of(server.stdout_text());
    REQUIRE(lines.size() >= 4);
    bool said = false;
    for (const auto& line : lines) {
        CAPTURE(line);
        std::smatch match;
        REQUIRE(std::regex_match(line, match, line_format));
        CHECK(std::labs(seconds_from_now(match[1])) < 300);
        said = said || match[3] == "say lobby amy: hello there";
    }
    CHECK(said);
}

TEST_CASE("Log: the JSON format writes one object per line, user text escaped") {
    ServerProcess server{{.extra_tables = "[log]\nformat = \"json\"\n", .launcher = tokyo_time}};
    const std::string text = "he said \"hi\" \\ back\tand {\"not\": \"json\"}";
    say_and_wait(server, text);
    REQUIRE(server.terminate() == 0);

    const auto lines = lines_of(server.stdout_text());
    REQUIRE(lines.size() >= 4);
    bool listening = false;
    bool said = false;
    for (const auto& line : lines) {
        CAPTURE(line);
        const auto event = nlohmann::json::parse(line, nullptr, false);
        REQUIRE_FALSE(event.is_discarded());
        REQUIRE(event.is_object());
        const auto stamp = event.at("time").get<std::string>();
        CHECK(stamp.size() == 24);
        CHECK(stamp.ends_with("Z"));
        CHECK(std::labs(seconds_from_now(stamp)) < 300);
        CHECK(event.at("level").is_string());
        const auto message = event.at("message").get<std::string>();
        listening = listening || (event.at("level") == "info" && message.starts_with("TestChat listening on 127.0.0.1:"));
        said = said || message == "say lobby amy: " + text;
    }
    CHECK(listening);
    CHECK(said);
}
