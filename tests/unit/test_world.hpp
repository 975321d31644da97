// Shared by the unit tests: a World built from a Config plus the Sessions a
// test connects to it, and the outbox read back as lines. Knows nothing of
// sockets; a "connection" here is just a Session the test owns.
#pragma once

#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "src/config.hpp"
#include "tests/unit/printing.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::test {

// The configuration the unit tests assume unless they say otherwise.
inline Config test_config() {
    Config config;
    config.server.name = "TestChat";
    // Tests type faster than any person; flood control has its own tests.
    config.limits.flood_per_second = 0;
    return config;
}

// Splits `bytes` at CR LF; a trailing piece without CR LF is kept as a last
// line so a missing line end shows up in a failure.
inline std::vector<std::string> split_lines(std::string_view bytes) {
    std::vector<std::string> lines;
    while (!bytes.empty()) {
        const auto end = bytes.find("\r\n");
        if (end == std::string_view::npos) {
            lines.emplace_back(bytes);
            break;
        }
        lines.emplace_back(bytes.substr(0, end));
        bytes.remove_prefix(end + 2);
    }
    return lines;
}

// The session's output as lines; the outbox is emptied, so the next call
// sees only what happened after this one.
inline std::vector<std::string> take_lines(Session& session) {
    auto lines = split_lines(session.outbox());
    session.outbox().clear();
    return lines;
}

// The session's raw output bytes (telnet commands included); emptied too.
inline std::string take_bytes(Session& session) {
    std::string bytes;
    bytes.swap(session.outbox());
    return bytes;
}

// The first word of each line after the first: the names of a `who` or
// `look` listing, whatever detail follows them (SPEC §2 allows some).
inline std::vector<std::string> listed_names(const std::vector<std::string>& lines) {
    std::vector<std::string> names;
    for (std::size_t i = 1; i < lines.size(); ++i) names.push_back(lines[i].substr(0, lines[i].find(' ')));
    return names;
}

inline bool has_line(const std::vector<std::string>& lines, std::string_view line) {
    for (const auto& l : lines) {
        if (l == line) return true;
    }
    return false;
}

// A World and the sessions connected to it. Sessions are declared after the
// world so they end first, as the network layer guarantees.
class TestWorld {
public:
    explicit TestWorld(Config config = test_config()) : world{std::move(config)} {}

    // A new connection in the LoginRoom; its welcome is left in the outbox.
    Session& connect(std::string address = "127.0.0.1", ListenerKind kind = ListenerKind::telnet) {
        auto& session = *sessions_.emplace_back(std::make_unique<Session>(world, std::move(address), kind));
        session.start();
        return session;
    }

    // A new connection logged in as `name`, with every outbox emptied (the
    // others' entered notices included).
    Session& login(std::string_view name) {
        auto& session = connect();
        type(session, "login " + std::string{name});
        clear_all();
        return session;
    }

    // Types one line (CR LF appended) into `session`.
    static void type(Session& session, std::string_view line) {
        session.receive(std::string{line} + "\r\n");
    }

    // The connection drops: the session ends without a logout.
    void drop(Session& session) {
        sessions_.remove_if([&](const auto& s) { return s.get() == &session; });
    }

    void clear_all() {
        for (auto& s : sessions_) s->outbox().clear();
    }

    World world;

private:
    std::list<std::unique_ptr<Session>> sessions_;
};

}  // namespace natter::test
