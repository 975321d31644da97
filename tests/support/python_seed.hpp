// The classic Python chat server (seed004_chat.py), started on a free
// 127.0.0.1 port so that transcripts can be checked against the behaviour
// natter must stay compatible with. Knows how to start it and how to probe
// it without crashing it; nothing else of the protocol.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tests/support/child_process.hpp"

namespace natter::test {

// Why the seed cannot run here (no file, no python3, no asyncore), or
// nullopt when it can.
std::optional<std::string> python_seed_unavailable(const std::string& script);

class PythonSeed {
public:
    // Starts `python3 script PORT` and waits (bounded) until it accepts a
    // connection. Throws std::runtime_error with its output if it does not.
    explicit PythonSeed(const std::string& script, Millis start_timeout = Millis{10000});
    ~PythonSeed();
    PythonSeed(const PythonSeed&) = delete;
    PythonSeed& operator=(const PythonSeed&) = delete;

    std::uint16_t port() const { return port_; }
    // What the seed wrote to stderr (tracebacks), for failure messages.
    std::string stderr_text() const { return child_.stderr_text(); }

private:
    std::uint16_t port_;
    ChildProcess child_;
};

}  // namespace natter::test
