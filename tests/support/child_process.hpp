// A child process (natterd, nc, telnet, python3) with its stdin, stdout and
// stderr on pipes, owned RAII-style: whatever path a test takes, the child is
// killed and reaped and the pipes are drained, so no test leaves a process
// behind or blocks one on a full pipe. Knows nothing of what the child is.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/support/timeouts.hpp"

namespace natter::test {

// Exit statuses are plain ints: the exit code, 128 + signal number for a
// child killed by a signal (as a shell shows it), or no_exit_status.
inline constexpr int no_exit_status = -1;

class ChildProcess {
public:
    // Starts argv[0] (searched in PATH) with the rest as arguments. SIGPIPE,
    // SIGINT, SIGTERM and SIGHUP start at their defaults in the child.
    // Throws std::runtime_error when the program cannot be started.
    explicit ChildProcess(std::vector<std::string> argv);
    // Kills (SIGKILL) a child still running, reaps it, stops the drainer.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }

    // Writes to the child's stdin; false once the child stopped reading.
    bool write_stdin(std::string_view bytes, Millis timeout = default_timeout);
    // Closes the child's stdin so that it sees EOF.
    void close_stdin();

    // The next line of stdout (LF removed, and a CR before it), consuming it;
    // nullopt if none is complete within the timeout.
    std::optional<std::string> read_line(Millis timeout = default_timeout);
    // Reads stdout lines until one satisfies `match`; nullopt on timeout.
    // Passed-over lines are appended to `skipped` when given.
    template <class Match>
    std::optional<std::string> read_until(Match match, Millis timeout = default_timeout,
                                          std::vector<std::string>* skipped = nullptr);
    // Waits until stdout (all of it, read or not) contains `needle`.
    bool wait_for_stdout(std::string_view needle, Millis timeout = default_timeout);

    // Everything captured so far.
    std::string stdout_text() const;
    std::string stderr_text() const;

    // Sends a signal if the child has not been reaped yet.
    void signal(int signal_number);
    // Waits (bounded) for the child to exit and reaps it; the status as
    // described above, or no_exit_status if it is still running.
    int wait_exit(Millis timeout);
    // SIGTERM, wait up to `grace`, then SIGKILL; returns the exit status.
    int stop(Millis grace = Millis{3000});
    bool running();

private:
    void drain();  // the drainer thread: pipes → stdout_/stderr_

    pid_t pid_ = -1;
    int status_ = no_exit_status;
    bool reaped_ = false;
    int stdin_fd_ = -1;
    int stdout_fd_ = -1;
    int stderr_fd_ = -1;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::string stdout_;
    std::string stderr_;
    std::size_t stdout_read_ = 0;  // how much of stdout_ read_line consumed
    bool drained_ = false;         // both pipes reached EOF
    bool stop_draining_ = false;
    std::thread drainer_;
};

template <class Match>
std::optional<std::string> ChildProcess::read_until(Match match, Millis timeout,
                                                    std::vector<std::string>* skipped) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (int count = 0; count < 100000; ++count) {
        const auto left = std::chrono::duration_cast<Millis>(
            deadline - std::chrono::steady_clock::now());
        auto line = read_line(left.count() > 0 ? left : Millis{0});
        if (!line) return std::nullopt;
        if (match(std::string_view{*line})) return line;
        if (skipped != nullptr) skipped->push_back(std::move(*line));
    }
    return std::nullopt;
}

// The result of running a program to completion.
struct RunResult {
    int status = no_exit_status;  // as ChildProcess::wait_exit
    std::string out;
    std::string err;
};

// Runs argv to completion (killing it after `timeout`) with stdin closed.
RunResult run_process(std::vector<std::string> argv, Millis timeout = Millis{10000});

}  // namespace natter::test
