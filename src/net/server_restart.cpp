// Server's hot restart: `reboot` or SIGUSR2 asks the binary on disk whether
// it starts and reads our state (`--check-restart`); then everyone is told,
// TLS connections are let go (their keys cannot cross), reading stops and
// output drains for at most a couple of seconds; the state is written to a
// private directory, the descriptors that must cross lose close-on-exec, and
// natterd executes itself with `--restore <file>`. The new image takes the
// listeners and connections over in start(). If anything fails before the
// exec, this process carries on and the operator is told why.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "src/accounts.hpp"
#include "src/log.hpp"
#include "src/net/connection.hpp"
#include "src/net/server.hpp"
#include "src/session.hpp"

namespace natter::net {
namespace {

// How long the new binary may take to say it starts and reads our state.
constexpr std::uint64_t check_timeout_ms = 10'000;
// How long output and background work may take to finish before the state
// is saved anyway (what is left unsent crosses in the state).
constexpr auto drain_limit = std::chrono::milliseconds{2000};
constexpr std::uint64_t drain_poll_ms = 5;

constexpr const char* restarting_notice = "*** The server is restarting…";
constexpr const char* complete_notice = "*** Restart complete.";
constexpr const char* failed_notice = "*** The restart did not happen; carrying on.";
constexpr const char* tls_notice =
    "*** Encrypted connections cannot be kept across a restart: please reconnect in a few seconds.";

// Where the state file goes: a directory only natterd's user can read.
Result<std::filesystem::path> make_private_directory() {
    const char* base = std::getenv("RUNTIME_DIRECTORY");  // systemd's RuntimeDirectory=
    if (base == nullptr || *base == '\0') base = std::getenv("TMPDIR");
    if (base == nullptr || *base == '\0') base = "/tmp";
    std::string pattern = std::string{base} + "/natterd-restart-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        return fail(fmt::format("cannot make a directory in {}: {}", base, std::strerror(errno)));
    }
    return std::filesystem::path{pattern};
}

void remove_directory(const std::string& dir) {
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
}

// Writes `text` to `dir`/state through a temporary file, synced, so a
// reader sees all of it or nothing.
Result<std::filesystem::path> write_state_file(const std::filesystem::path& dir, const std::string& text) {
    const auto temporary = dir / "state.new";
    const auto path = dir / "state";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return fail(fmt::format("cannot write {}: {}", temporary.string(), std::strerror(errno)));
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int error = errno;
            ::close(fd);
            return fail(fmt::format("cannot write {}: {}", temporary.string(), std::strerror(error)));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        return fail(fmt::format("cannot write {}: {}", temporary.string(), std::strerror(errno)));
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        return fail(fmt::format("cannot rename {}: {}", temporary.string(), std::strerror(errno)));
    }
    return path;
}

void set_close_on_exec(const std::vector<int>& fds, bool on) {
    for (const int fd : fds) ::fcntl(fd, F_SETFD, on ? FD_CLOEXEC : 0);
}

std::string first_line(std::string text) {
    const auto end = text.find('\n');
    if (end != std::string::npos) text.resize(end);
    return text.substr(0, 200);
}

}  // namespace

bool Server::draining_for_restart() const { return restart_ && restart_->phase != Restart::Phase::checking; }

void Server::tell_restart_operator(const std::string& text) {
    if (restart_ && restart_->by != 0) {
        if (auto* session = world_.find_session(restart_->by)) session->send(text);
    }
}

void Server::begin_restart(std::string reason, std::uint64_t by) {
    if (restart_ || shutting_down_) {
        if (auto* session = by != 0 ? world_.find_session(by) : nullptr) {
            session->send(restart_ ? "A restart is already under way." : "The server is shutting down.");
        }
        return;
    }
    restart_ = std::make_unique<Restart>();
    restart_->reason = std::move(reason);
    restart_->by = by;
    spdlog::info("restart requested{}{}", restart_->reason.empty() ? "" : ": ", restart_->reason);
    if (restart_command_.executable.empty()) {
        abandon_restart("natterd does not know the binary it was started as");
        return;
    }
    auto dir = make_private_directory();
    if (!dir) {
        abandon_restart(dir.error().message);
        return;
    }
    restart_->dir = dir->string();
    // The check's answer goes to a file in the private directory.
    const auto output = std::filesystem::path{restart_->dir} / "check.out";
    const int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) {
        abandon_restart(fmt::format("cannot write {}: {}", output.string(), std::strerror(errno)));
        return;
    }
    std::vector<std::string> arguments{restart_command_.executable};
    arguments.insert(arguments.end(), restart_command_.arguments.begin(), restart_command_.arguments.end());
    arguments.emplace_back("--check-restart");
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    uv_stdio_container_t stdio[3];
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = UV_INHERIT_FD;
    stdio[1].data.fd = out;
    stdio[2].flags = UV_INHERIT_FD;
    stdio[2].data.fd = out;
    uv_process_options_t options{};
    options.exit_cb = &Server::on_restart_check_exit;
    options.file = restart_command_.executable.c_str();
    options.args = argv.data();
    options.stdio_count = 3;
    options.stdio = stdio;
    restart_check_.data = this;
    const int status = uv_spawn(&loop_, &restart_check_, &options);
    ::close(out);
    if (status != 0) {
        // A handle that failed to spawn must still be closed.
        uv_close(reinterpret_cast<uv_handle_t*>(&restart_check_), nullptr);
        abandon_restart(fmt::format("cannot run {}: {}", restart_command_.executable, uv_strerror(status)));
        return;
    }
    restart_check_running_ = true;
    uv_timer_start(&restart_timer_, &Server::on_restart_timer, check_timeout_ms, 0);
}

void Server::on_restart_check_exit(uv_process_t* process, std::int64_t status, int signal) noexcept {
    auto& self = *static_cast<Server*>(process->data);
    self.restart_check_running_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(process), nullptr);
    uv_timer_stop(&self.restart_timer_);
    self.on_restart_checked(status, signal);
}

void Server::on_restart_checked(std::int64_t status, int signal) {
    if (!restart_ || restart_->phase != Restart::Phase::checking) return;
    std::string output;
    {
        std::ifstream in{std::filesystem::path{restart_->dir} / "check.out"};
        std::ostringstream text;
        text << in.rdbuf();
        output = text.str();
    }
    if (signal != 0 || status != 0) {
        abandon_restart(fmt::format("the new binary failed its check ({} {}): {}", signal != 0 ? "signal" : "exit",
                                    signal != 0 ? signal : status, first_line(output)));
        return;
    }
    // It names the state version it reads; ours must be the one.
    const std::string marker = "restart state version ";
    const auto at = output.find(marker);
    const int version = at == std::string::npos ? -1 : std::atoi(output.c_str() + at + marker.size());
    if (version != restart_state_version) {
        abandon_restart(version < 0 ? fmt::format("the new binary does not say which restart state it reads: {}",
                                                  first_line(output))
                                    : fmt::format("the new binary reads restart state version {}; this one writes {}",
                                                  version, restart_state_version));
        return;
    }
    spdlog::info("restart: the new binary reads state version {}; telling {} sessions and draining", version,
                 world_.sessions().size());
    drain_for_restart();
}

void Server::drain_for_restart() {
    restart_->phase = Restart::Phase::draining;
    world_.broadcast_to_sessions(Event{.kind = EventKind::notice, .text = restarting_notice});
    if (!restart_->reason.empty()) {
        const auto why = fmt::format("*** Restart: {}", restart_->reason);
        world_.broadcast_to_sessions(Event{.kind = EventKind::notice, .text = why});
    }
    std::vector<Session*> sessions{world_.sessions().begin(), world_.sessions().end()};
    for (auto* session : sessions) {
        if (session->closing()) continue;
        if (static_cast<Connection*>(session->link)->is_tls()) {
            session->send(tls_notice);
            session->disconnect("restart: TLS cannot cross");
        } else {
            session->prepare_restart();
        }
    }
    restart_->deadline = std::chrono::steady_clock::now() + drain_limit;
    uv_timer_start(&restart_timer_, &Server::on_restart_timer, drain_poll_ms, drain_poll_ms);
}

void Server::on_restart_timer(uv_timer_t* timer) noexcept {
    auto& self = *static_cast<Server*>(timer->data);
    if (!self.restart_) return;
    if (self.restart_->phase == Restart::Phase::checking) {
        // The new binary hangs: it will not do.
        if (self.restart_check_running_) uv_process_kill(&self.restart_check_, SIGKILL);
        self.abandon_restart("the new binary did not answer its check within 10 s");
        return;
    }
    self.check_restart_drained();
}

void Server::check_restart_drained() {
    bool done = background_.jobs_in_flight() == 0 && world_.accounts().hashing().running() == 0 &&
                world_.accounts().hashing().waiting() == 0;
    for (auto* session : world_.sessions()) {
        if (!done) break;
        auto* connection = static_cast<Connection*>(session->link);
        // Closing ones (TLS, those who quit) finish first; the rest empty out.
        done = !session->closing() && !connection->is_tls() && connection->drained();
    }
    if (!done && std::chrono::steady_clock::now() < restart_->deadline) return;
    uv_timer_stop(&restart_timer_);
    execute_restart();
}

void Server::execute_restart() {
    restart_->phase = Restart::Phase::executing;
    RestartState state;
    std::vector<int> fds;
    for (const auto& listener : listeners_) {
        uv_os_fd_t fd = -1;
        uv_fileno(reinterpret_cast<const uv_handle_t*>(&listener->handle), &fd);
        state.listeners.push_back({.fd = fd,
                                   .kind = listener->kind,
                                   .tls = listener->tls,
                                   .host = listener->host,
                                   .configured_port = listener->configured_port,
                                   .port = listener->port});
        fds.push_back(fd);
    }
    world_.snapshot_into(state);
    const auto save = [&](Connection& connection) {
        auto& session = connection.session();
        if (session.closing() || connection.is_tls()) return;
        state.connections.push_back(connection.snapshot(connection.listener()));
        fds.push_back(state.connections.back().fd);
    };
    // Logged-in users first, in the order they logged in, then the rest.
    for (auto* user : world_.users()) save(*static_cast<Connection*>(user->link));
    for (auto* session : world_.sessions()) {
        // Parked ones (not started: in no room) go below, as fresh.
        if (session->room() != nullptr && world_.find_user(session->name()) != session) {
            save(*static_cast<Connection*>(session->link));
        }
    }
    for (auto* connection : parked_) {
        state.connections.push_back(
            {.fd = connection->fd(), .listener = connection->listener(), .fresh = true, .web = {}, .session = {}});
        fds.push_back(connection->fd());
    }
    const auto text = write_restart_state(state);
    auto path = write_state_file(restart_->dir, text);
    if (!path) {
        abandon_restart(path.error().message);
        return;
    }
    spdlog::info("restart: {} connections, {} listeners, state {} bytes; executing {}", state.connections.size(),
                 state.listeners.size(), text.size(), restart_command_.executable);
    flush_log();
    std::vector<std::string> arguments{restart_command_.executable};
    arguments.insert(arguments.end(), restart_command_.arguments.begin(), restart_command_.arguments.end());
    arguments.emplace_back("--restore");
    arguments.push_back(path->string());
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    set_close_on_exec(fds, false);
    // The service manager sees a reload: the new image says READY=1.
    notifier_.reloading();
    ::execv(restart_command_.executable.c_str(), argv.data());
    // Still here: the exec failed, and this process carries on.
    const int error = errno;
    set_close_on_exec(fds, true);
    notifier_.ready();
    abandon_restart(fmt::format("cannot execute {}: {}", restart_command_.executable, std::strerror(error)));
}

void Server::abandon_restart(const std::string& why) {
    spdlog::warn("restart abandoned: {}", why);
    tell_restart_operator("Restart failed: " + why);
    const bool announced = restart_ && restart_->phase != Restart::Phase::checking;
    if (restart_) remove_directory(restart_->dir);
    restart_.reset();
    uv_timer_stop(&restart_timer_);
    if (announced) {
        world_.broadcast_to_sessions(Event{.kind = EventKind::notice, .text = failed_notice});
        for (auto* session : world_.sessions()) session->resume_after_restart();
        auto parked = std::move(parked_);
        parked_.clear();
        for (auto* connection : parked) admit(*connection);
    }
    pace();  // reading resumes
}

void Server::restore_connections(const RestartState& state) {
    std::vector<Connection*> restored;
    std::vector<Connection*> fresh;
    // Those that carried on first; the fresh ones after the notice, which
    // is not for them.
    const auto take = [&](const ConnectionSnapshot& saved) {
        const auto& from = state.listeners[saved.listener];
        // The listener it came in on, as this process has it.
        const Listener* listener = nullptr;
        for (const auto& candidate : listeners_) {
            if (candidate->kind == from.kind && candidate->tls == from.tls && candidate->host == from.host &&
                candidate->configured_port == from.configured_port) {
                listener = candidate.get();
                break;
            }
        }
        if (listener == nullptr || (from.tls && !saved.fresh)) {
            // Its port is no longer served (or it needs keys that did not cross).
            ::close(saved.fd);
            return;
        }
        auto* connection = new Connection{*this, saved, from.kind, from.tls ? tls_context_ : nullptr};
        ++connections_;
        if (!connection->accepted()) {
            ::close(saved.fd);
            connection->abort();
            return;
        }
        connection->set_listener(listener->index);
        ++per_address_[connection->address()];
        const auto slot = count_slot(connection->kind(), connection->is_tls());
        ++open_by_kind_[slot];
        if (saved.fresh) {
            ++accepted_by_kind_[slot];  // accepted for this process's figures

            fresh.push_back(connection);
            return;
        }
        if (connection->is_web()) web_connections_.push_back(connection);
        restored.push_back(connection);
    };
    for (const auto& saved : state.connections) {
        if (!saved.fresh) take(saved);
    }
    world_.broadcast_to_sessions(Event{.kind = EventKind::notice, .text = complete_notice});
    for (auto* connection : restored) connection->resume_after_restart();
    for (const auto& saved : state.connections) {
        if (saved.fresh) take(saved);
    }
    for (auto* connection : fresh) admit(*connection);
    spdlog::info("restart complete: {} connections kept, {} accepted meanwhile", restored.size(), fresh.size());
}

}  // namespace natter::net
