// ChildProcess: posix_spawn with three pipes and one drainer thread per child.
#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace natter::test {
namespace {

using Clock = std::chrono::steady_clock;

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

int decode_status(int raw) {
    if (WIFEXITED(raw)) return WEXITSTATUS(raw);
    if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
    return no_exit_status;
}

// Writing to the stdin of a child that died must fail with EPIPE, not kill
// the whole test run with SIGPIPE.
void ignore_sigpipe_once() {
    static const bool done = [] {
        std::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
    (void)done;
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv) {
    if (argv.empty()) throw std::runtime_error("ChildProcess: empty argv");
    ignore_sigpipe_once();

    std::array<int, 2> in{-1, -1};
    std::array<int, 2> out{-1, -1};
    std::array<int, 2> err{-1, -1};
    // O_CLOEXEC everywhere: only the dup2'ed copies reach the child, so no
    // child holds another child's pipe open (which would delay its EOF).
    if (::pipe2(in.data(), O_CLOEXEC) != 0 || ::pipe2(out.data(), O_CLOEXEC) != 0 ||
        ::pipe2(err.data(), O_CLOEXEC) != 0) {
        const std::string reason = std::strerror(errno);
        for (int* fd : {&in[0], &in[1], &out[0], &out[1], &err[0], &err[1]}) close_fd(*fd);
        throw std::runtime_error("pipe2: " + reason);
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);

    // Ignored signals stay ignored across exec; the child must get the
    // defaults (natterd's SIGTERM test depends on it).
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (const int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, s);
    sigset_t no_mask;
    sigemptyset(&no_mask);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &no_mask);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);

    const int spawned = ::posix_spawnp(&pid_, args[0], &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close_fd(in[0]);
    close_fd(out[1]);
    close_fd(err[1]);
    if (spawned != 0) {
        pid_ = -1;
        reaped_ = true;
        close_fd(in[1]);
        close_fd(out[0]);
        close_fd(err[0]);
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(spawned));
    }
    stdin_fd_ = in[1];
    stdout_fd_ = out[0];
    stderr_fd_ = err[0];
    ::fcntl(stdin_fd_, F_SETFL, ::fcntl(stdin_fd_, F_GETFL) | O_NONBLOCK);
    drainer_ = std::thread([this] { drain(); });
}

ChildProcess::~ChildProcess() {
    if (!reaped_) {
        signal(SIGKILL);
        wait_exit(Millis{5000});
    }
    close_fd(stdin_fd_);
    {
        std::lock_guard lock{mutex_};
        stop_draining_ = true;
    }
    if (drainer_.joinable()) drainer_.join();
    close_fd(stdout_fd_);
    close_fd(stderr_fd_);
}

void ChildProcess::drain() {
    // Polls with a short timeout so that the destructor's stop request is
    // seen even if a grandchild keeps a pipe open.
    char buffer[65536];
    for (;;) {
        {
            std::lock_guard lock{mutex_};
            if (stop_draining_) break;
        }
        std::array<pollfd, 2> fds{pollfd{stdout_fd_, POLLIN, 0}, pollfd{stderr_fd_, POLLIN, 0}};
        if (stdout_fd_ < 0 && stderr_fd_ < 0) break;
        const int ready = ::poll(fds.data(), fds.size(), 50);
        if (ready <= 0) continue;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) continue;
            std::lock_guard lock{mutex_};
            if (got > 0) {
                (i == 0 ? stdout_ : stderr_).append(buffer, static_cast<std::size_t>(got));
            } else {
                close_fd(i == 0 ? stdout_fd_ : stderr_fd_);
            }
            changed_.notify_all();
        }
    }
    std::lock_guard lock{mutex_};
    drained_ = true;
    changed_.notify_all();
}

bool ChildProcess::write_stdin(std::string_view bytes, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!bytes.empty()) {
        if (stdin_fd_ < 0) return false;
        const ssize_t written = ::write(stdin_fd_, bytes.data(), bytes.size());
        if (written > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(written));
            continue;
        }
        if (written < 0 && errno == EINTR) continue;
        if (written < 0 && errno == EAGAIN) {
            const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
            pollfd pfd{stdin_fd_, POLLOUT, 0};
            if (left <= 0 || ::poll(&pfd, 1, static_cast<int>(left)) <= 0) return false;
            continue;
        }
        return false;
    }
    return true;
}

void ChildProcess::close_stdin() { close_fd(stdin_fd_); }

std::optional<std::string> ChildProcess::read_line(Millis timeout) {
    std::unique_lock lock{mutex_};
    std::size_t end = std::string::npos;
    changed_.wait_for(lock, timeout, [&] {
        end = stdout_.find('\n', stdout_read_);
        return end != std::string::npos || drained_;
    });
    if (end == std::string::npos) return std::nullopt;
    std::string line = stdout_.substr(stdout_read_, end - stdout_read_);
    stdout_read_ = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

bool ChildProcess::wait_for_stdout(std::string_view needle, Millis timeout) {
    std::unique_lock lock{mutex_};
    return changed_.wait_for(lock, timeout, [&] {
        return stdout_.find(needle) != std::string::npos || drained_;
    }) && stdout_.find(needle) != std::string::npos;
}

std::string ChildProcess::stdout_text() const {
    std::lock_guard lock{mutex_};
    return stdout_;
}

std::string ChildProcess::stderr_text() const {
    std::lock_guard lock{mutex_};
    return stderr_;
}

void ChildProcess::signal(int signal_number) {
    // Only while unreaped: after waitpid the pid may belong to someone else.
    if (!reaped_ && pid_ > 0) ::kill(pid_, signal_number);
}

int ChildProcess::wait_exit(Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!reaped_) {
        int raw = 0;
        const pid_t done = ::waitpid(pid_, &raw, WNOHANG);
        if (done == pid_) {
            status_ = decode_status(raw);
            reaped_ = true;
        } else if (done < 0 && errno != EINTR) {
            reaped_ = true;  // not our child any more; nothing to reap
        } else if (Clock::now() >= deadline) {
            return no_exit_status;
        } else {
            std::this_thread::sleep_for(Millis{5});
        }
    }
    // The child is gone; give the drainer a moment to collect its last output
    // so that stdout_text()/stderr_text() are complete.
    std::unique_lock lock{mutex_};
    changed_.wait_for(lock, Millis{1000}, [&] { return drained_; });
    return status_;
}

int ChildProcess::stop(Millis grace) {
    signal(SIGTERM);
    if (const int status = wait_exit(grace); status != no_exit_status || reaped_) return status;
    signal(SIGKILL);
    return wait_exit(Millis{5000});
}

bool ChildProcess::running() {
    wait_exit(Millis{0});
    return !reaped_;
}

RunResult run_process(std::vector<std::string> argv, Millis timeout) {
    ChildProcess child{std::move(argv)};
    child.close_stdin();
    RunResult result;
    result.status = child.wait_exit(timeout);
    if (result.status == no_exit_status) child.stop(Millis{1000});
    result.out = child.stdout_text();
    result.err = child.stderr_text();
    return result;
}

}  // namespace natter::test
