// bench/scenario_reboot.cpp — the reboot scenario: K clients logged into
// natter's first room (spread over source addresses as in conns), S of them
// saying numbered lines at R lines/s each; after W seconds SIGUSR2 asks
// natterd (--server-pid) to restart in place. The speakers carry on through
// the restart. Measured from the signal: the first `*** The server is
// restarting…` any client got, and each client's `*** Restart complete.`
// (p50 and max over clients; the time is the kernel's receive stamp on the
// client's socket, so a generator reading 19,500 sockets in turn does not
// add its own delay; the time until the generator had read them all is
// reported beside it). After A more seconds of chat every speaker's lines
// must have reached every other client exactly once and in order, and no
// client may have been disconnected.
#include "bench/clock.hpp"
#include "bench/delivery_tracker.hpp"
#include "bench/latency_histogram.hpp"
#include "bench/proc_stats.hpp"
#include "bench/restart_notice.hpp"
#include "bench/scenario.hpp"
#include "bench/scenarios.hpp"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace natter::bench {
namespace {

// Lines per speaker the delivery table is sized for: the rate over the
// whole --timeout, so a speaker cannot run out before the run is over.
std::uint32_t line_capacity(const RunOptions& run, const RebootOptions& reboot) {
    const double lines = std::ceil(reboot.rate * run.timeout_s) + 1;
    return static_cast<std::uint32_t>(std::min(lines, 1e9));
}

const RebootOptions& checked(const RunOptions& run, const RebootOptions& reboot) {
    if (run.proto == Proto::irc) {
        throw std::invalid_argument{"reboot is natter's hot restart: --proto natter or web"};
    }
    if (reboot.speakers == 0 || reboot.clients < reboot.speakers + 1) {
        throw std::invalid_argument{"reboot needs at least 1 speaker and more clients than speakers"};
    }
    if (!(reboot.rate > 0) || reboot.warmup_s < 0 || reboot.after_s < 0) {
        throw std::invalid_argument{"reboot needs a positive rate and non-negative warm-up and after times"};
    }
    return reboot;
}

// Nearest-rank percentile of `values` (sorted in place); 0 when empty.
std::int64_t percentile(std::vector<std::int64_t>& values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

double to_ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

// The wall clock as natterd's log writes it (UTC, HH:MM:SS.mmm), so the
// signal can be placed among the log's own timestamps.
std::string utc_time_of_day() {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    tm parts{};
    gmtime_r(&now.tv_sec, &parts);
    char text[32];
    std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03ld", parts.tm_hour, parts.tm_min, parts.tm_sec,
                  now.tv_nsec / 1'000'000);
    return text;
}

// A line sent this long before the signal is steady chat, unaffected by it.
constexpr std::int64_t steady_margin_ns = 500'000'000;

class Reboot final : public Scenario {
public:
    Reboot(const RunOptions& run, const RebootOptions& reboot)
        : Scenario{run, "reboot", checked(run, reboot).clients, true, first_source_address(run)},
          reboot_{reboot}, lines_{line_capacity(run, reboot)},
          tracker_{DeliveryTracker::Shape{.receivers = reboot.clients, .senders = reboot.speakers, .lines = lines_}},
          sent_(reboot.speakers, 0), next_due_(reboot.speakers, 0), restarting_ns_(reboot.clients, 0), complete_ns_(reboot.clients, 0) {
        period_ns_ = std::max<std::int64_t>(1, static_cast<std::int64_t>(1e9 / reboot.rate));
    }

private:
    void execute() override {
        if (options().server_pids.size() > 1) {
            throw std::invalid_argument{"reboot restarts one natterd: give --server-pid a single PID"};
        }
        const int pid = options().server_pids.empty() ? 0 : options().server_pids.front();
        if (pid <= 0) {
            throw std::invalid_argument{"reboot needs --server-pid (natterd's PID, which SIGUSR2 goes to)"};
        }
        if (::kill(pid, 0) != 0) {
            throw std::runtime_error{"cannot signal PID " + std::to_string(pid) + ": " + std::strerror(errno)};
        }
        const std::int64_t login_start = now_ns();
        login_all(0, reboot_.clients, "r", 1);
        login_s_ = ns_to_seconds(now_ns() - login_start);
        if (ready_count() < reboot_.clients) {
            throw std::runtime_error{"only " + std::to_string(ready_count()) + " of " +
                                     std::to_string(reboot_.clients) + " clients logged in"};
        }

        // Speakers start a period apart divided among them, so the room gets
        // an even stream rather than bursts of S lines.
        const std::int64_t start = now_ns();
        for (std::uint32_t s = 0; s < reboot_.speakers; ++s) {
            next_due_[s] = start + period_ns_ * s / reboot_.speakers;
        }
        speaking_ = true;
        const auto wake = [&] { return *std::min_element(next_due_.begin(), next_due_.end()); };
        const auto speak = [&](std::int64_t now) { send_due(now); };
        const std::int64_t warm_end = start + seconds_to_ns(reboot_.warmup_s);
        wait_until([&] { return now_ns() >= warm_end; }, "warm-up", wake, speak);

        rss_before_ = process_rss_kib(pid);
        cpu_before_ = process_cpu_seconds(pid);
        signal_ns_ = now_ns();
        signal_utc_ = utc_time_of_day();
        if (::kill(pid, SIGUSR2) != 0) {
            throw std::runtime_error{"cannot send SIGUSR2 to PID " + std::to_string(pid) + ": " +
                                     std::strerror(errno)};
        }
        // Until every client still connected has seen the restart complete
        // (a client that sees EOF is lost and counted as disconnected).
        wait_until([&] { return abandoned_ || completed_ + lost_after_ready() >= reboot_.clients; }, "restart",
                   wake, speak);
        all_read_ns_ = now_ns();
        if (abandoned_) {
            throw std::runtime_error{"natterd abandoned the restart (`*** The restart did not happen`)"};
        }
        cpu_after_ = process_cpu_seconds(pid);
        const std::int64_t after_end = all_read_ns_ + seconds_to_ns(reboot_.after_s);
        wait_until([&] { return now_ns() >= after_end; }, "after", wake, speak);
        speaking_ = false;
        drain([&] { return tracker_.unique() + tracker_.duplicates(); },
              [&] { return tracker_.unique() >= expected(); }, "drain");
        rss_after_ = process_rss_kib(pid);
    }

    // Queues every line whose time has come and sends them at once.
    void send_due(std::int64_t now) {
        if (!speaking_) {
            return;
        }
        bool queued = false;
        for (std::uint32_t s = 0; s < reboot_.speakers; ++s) {
            if (pool().at(s).phase != Phase::ready) {
                next_due_[s] = std::numeric_limits<std::int64_t>::max();
                continue;
            }
            while (next_due_[s] <= now && sent_[s] < lines_) {
                dialect().append_chat(pool().outbox(s), s, sent_[s], now);
                ++sent_[s];
                next_due_[s] += period_ns_;
                pool().mark_pending(s);
                queued = true;
            }
            if (sent_[s] >= lines_) {
                next_due_[s] = std::numeric_limits<std::int64_t>::max();
            }
        }
        if (queued) {
            pool().flush_pending();
        }
    }

    void on_line(std::uint32_t id, const Line& line, std::int64_t now) override {
        const std::int64_t at = line.arrived_ns != 0 ? line.arrived_ns : now;
        if (line.kind == LineKind::chat) {
            if (line.sender == id) {
                ++echoes_;
                return;
            }
            tracker_.record(id, line.sender, line.seq);
            latency_.record(at - line.sent_ns);
            if (signal_ns_ == 0 || line.sent_ns < signal_ns_ - steady_margin_ns) {
                steady_.record(at - line.sent_ns);
            }
            return;
        }
        if (line.kind != LineKind::other || signal_ns_ == 0) {
            return;
        }
        // The pool keeps the text of the last line that was not chat.
        switch (classify_restart_notice(pool().at(id).last_notice)) {
        case RestartNotice::restarting:
            if (restarting_ns_[id] == 0) {
                restarting_ns_[id] = at;
                ++notified_;
            }
            break;
        case RestartNotice::complete:
            if (complete_ns_[id] == 0) {
                complete_ns_[id] = at;
                ++completed_;
                if (restarting_ns_[id] == 0) {
                    ++complete_unannounced_;
                }
            }
            break;
        case RestartNotice::abandoned:
            abandoned_ = true;
            break;
        case RestartNotice::none:
            break;
        }
    }

    void client_lost(std::uint32_t id, std::int64_t /*now*/) override {
        if (id < reboot_.speakers) {
            next_due_[id] = std::numeric_limits<std::int64_t>::max();
        }
    }

    [[nodiscard]] std::uint64_t expected() const {
        std::uint64_t lines = 0;
        for (const std::uint32_t s : sent_) {
            lines += s;
        }
        return lines * (reboot_.clients - 1);
    }

    [[nodiscard]] std::uint64_t delivered_lost() const {
        const std::uint64_t want = expected();
        return want > tracker_.unique() ? want - tracker_.unique() : 0;
    }

    [[nodiscard]] bool failed() const override {
        return delivered_lost() > 0 || tracker_.duplicates() > 0 || tracker_.out_of_order() > 0 ||
               tracker_.invalid() > 0 || completed_ < reboot_.clients || abandoned_;
    }

    std::string describe(Report& report) override {
        std::uint64_t sent = 0;
        for (const std::uint32_t s : sent_) {
            sent += s;
        }
        // Each client's own times from the signal, by the kernel's stamps.
        std::vector<std::int64_t> notice;
        std::vector<std::int64_t> complete;
        for (std::uint32_t id = 0; id < reboot_.clients; ++id) {
            if (restarting_ns_[id] != 0) {
                notice.push_back(restarting_ns_[id] - signal_ns_);
            }
            if (complete_ns_[id] != 0) {
                complete.push_back(complete_ns_[id] - signal_ns_);
            }
        }
        const std::int64_t first_notice = notice.empty() ? 0 : *std::min_element(notice.begin(), notice.end());
        report.set("k", reboot_.clients);
        report.set("speakers", reboot_.speakers);
        report.set("rate", reboot_.rate, 1);
        report.set("per_source", options().per_source);
        report.set("login_s", login_s_, 3);
        report.set("signalled", signal_ns_ != 0 ? "yes" : "no");
        if (!signal_utc_.empty()) {
            report.set("signal_utc", signal_utc_);
        }
        report.set("notified", notified_);
        report.set("completed", completed_);
        if (!notice.empty()) {
            report.set("notice_ms", to_ms(first_notice), 1);
            report.set("notice_max_ms", to_ms(percentile(notice, 1.0)), 1);
        }
        if (!complete.empty()) {
            report.set("complete_p50_ms", to_ms(percentile(complete, 0.5)), 1);
            report.set("complete_max_ms", to_ms(percentile(complete, 1.0)), 1);
        }
        if (signal_ns_ != 0 && all_read_ns_ != 0) {
            // When the generator had read the last notice (or gave up waiting).
            report.set("complete_read_ms", to_ms(all_read_ns_ - signal_ns_), 1);
        }
        report.set("complete_unannounced", complete_unannounced_);
        report.set("sent", sent);
        report.set("expected", expected());
        report.set("delivered", tracker_.unique());
        report.set("lost", delivered_lost());
        report.set("dup", tracker_.duplicates());
        report.set("ooo", tracker_.out_of_order());
        report.set("invalid", tracker_.invalid());
        report.set("echoes", echoes_);
        report.set("line_p50_ms", to_ms(latency_.percentile(0.50)), 2);
        report.set("line_max_ms", to_ms(latency_.max()), 1);
        // Lines sent well before the signal: the chat's own latency at this
        // load, without the restart (what the restart figures stand on).
        report.set("steady_line_p50_ms", to_ms(steady_.percentile(0.50)), 2);
        report.set("steady_line_p99_ms", to_ms(steady_.percentile(0.99)), 2);
        report.set("disconnected", lost_after_ready());
        if (cpu_before_ && cpu_after_) {
            // The restart's CPU, both images: the PID stays, and /proc/PID/stat
            // keeps the time of threads that ended (the per-thread nanoseconds
            // of schedstat would lose the old image's I/O threads).
            report.set("restart_cpu_s", *cpu_after_ - *cpu_before_, 2);
        }
        if (rss_before_) {
            report.set("server_rss_before_kib", *rss_before_);
        }
        if (rss_after_) {
            report.set("server_rss_after_kib", *rss_after_);
        }
        std::ostringstream human;
        human << reboot_.clients << " clients, " << reboot_.speakers << " speakers at " << reboot_.rate
              << " lines/s: ";
        if (signal_ns_ == 0) {
            human << "no restart requested";
        } else {
            human << "first notice " << to_ms(first_notice) << " ms after SIGUSR2, restart complete for "
                  << completed_ << '/' << reboot_.clients << " clients";
            if (!complete.empty()) {
                human << " (p50 " << to_ms(percentile(complete, 0.5)) << " ms, max "
                      << to_ms(percentile(complete, 1.0)) << " ms)";
            }
        }
        human << "; lines " << tracker_.unique() << '/' << expected() << " delivered, lost " << delivered_lost()
              << ", dup " << tracker_.duplicates() << ", out-of-order " << tracker_.out_of_order()
              << "; disconnected " << lost_after_ready();
        if (rss_before_ && rss_after_) {
            human << "; server RSS " << *rss_before_ / 1024 << " -> " << *rss_after_ / 1024 << " MiB";
        }
        return human.str();
    }

    RebootOptions reboot_;
    std::uint32_t lines_;
    DeliveryTracker tracker_;
    LatencyHistogram latency_;
    LatencyHistogram steady_;
    std::vector<std::uint32_t> sent_;
    std::vector<std::int64_t> next_due_;
    std::vector<std::int64_t> restarting_ns_;  // per client: its restarting notice, 0 = not yet
    std::vector<std::int64_t> complete_ns_;    // per client: its restart complete notice
    std::int64_t period_ns_ = 1;
    bool speaking_ = false;
    bool abandoned_ = false;
    double login_s_ = 0;
    std::int64_t signal_ns_ = 0;
    std::string signal_utc_;
    std::int64_t all_read_ns_ = 0;
    std::uint32_t notified_ = 0;
    std::uint32_t completed_ = 0;
    std::uint32_t complete_unannounced_ = 0;
    std::uint64_t echoes_ = 0;
    std::optional<std::uint64_t> rss_before_;
    std::optional<std::uint64_t> rss_after_;
    std::optional<double> cpu_before_;
    std::optional<double> cpu_after_;
};

}  // namespace

int run_reboot(const RunOptions& run, const RebootOptions& reboot) {
    Reboot scenario{run, reboot};
    return scenario.run();
}

}  // namespace natter::bench
