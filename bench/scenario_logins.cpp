// bench/scenario_logins.cpp — the logins scenario: L clients log into one
// room, --inflight at a time (1 = strictly one after another), while every
// member already there is told about each newcomer (natter: "<x> has
// entered the room.", which needs [rooms] announce_max_members >= L; IRC:
// the JOIN relayed to the channel). Finished when the last of the
// L*(L-1)/2 notices has arrived; reports that time and the server's RSS.
#include "bench/clock.hpp"
#include "bench/proc_stats.hpp"
#include "bench/scenario.hpp"
#include "bench/scenarios.hpp"

#include <algorithm>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace natter::bench {
namespace {

// Work per server CPU-second needs enough 1/100 s ticks to mean anything.
constexpr double min_cpu_for_ratio_s = 0.5;

class Logins final : public Scenario {
public:
    Logins(const RunOptions& run, const LoginsOptions& logins)
        : Scenario{run, "logins", logins.logins, true}, logins_{logins} {
        if (logins.logins < 2) {
            throw std::invalid_argument{"logins needs at least 2 clients"};
        }
    }

private:
    void execute() override {
        rss_before_ = process_rss_kib(options().server_pids);
        cpu_before_ = process_cpu_seconds(options().server_pids);
        start_ns_ = now_ns();
        login_all(0, logins_.logins, "l");
        logged_in_ns_ = now_ns();
        drain([&] { return notices_; }, [&] { return notices_ >= expected(); }, "notices");
        end_ns_ = std::max(logged_in_ns_, last_notice_ns_);
        cpu_after_ = process_cpu_seconds(options().server_pids);
        rss_after_ = process_rss_kib(options().server_pids);
    }

    void on_line(std::uint32_t id, const Line& line, std::int64_t now) override {
        if (line.kind == LineKind::entered && line.token != pool().at(id).name) {
            ++notices_;
            last_notice_ns_ = now;
        }
    }

    [[nodiscard]] std::uint64_t expected() const {
        const std::uint64_t n = ready_count();
        return n * (n - (n > 0 ? 1 : 0)) / 2;
    }

    [[nodiscard]] bool failed() const override {
        return ready_count() < logins_.logins || notices_ != expected();
    }

    std::string describe(Report& report) override {
        // After a timeout, report the progress made until now.
        if (end_ns_ == 0) {
            end_ns_ = now_ns();
        }
        if (logged_in_ns_ == 0) {
            logged_in_ns_ = end_ns_;
        }
        if (!cpu_after_) {
            cpu_after_ = process_cpu_seconds(options().server_pids);
            rss_after_ = process_rss_kib(options().server_pids);
        }
        const double total_s = end_ns_ > start_ns_ ? ns_to_seconds(end_ns_ - start_ns_) : 0;
        const double login_s = logged_in_ns_ > start_ns_ ? ns_to_seconds(logged_in_ns_ - start_ns_) : 0;
        report.set("logins", logins_.logins);
        report.set("inflight", options().inflight);
        report.set("logged_in", ready_count());
        report.set("login_s", login_s, 3);
        report.set("total_s", total_s, 3);
        report.set("logins_per_s", total_s > 0 ? ready_count() / total_s : 0.0, 0);
        report.set("notices", notices_);
        report.set("notices_expected", expected());
        report.set("notices_per_s", total_s > 0 ? static_cast<double>(notices_) / total_s : 0.0, 0);
        if (cpu_before_ && cpu_after_) {
            const double cpu_s = *cpu_after_ - *cpu_before_;
            report.set("server_cpu_s", cpu_s, 2);
            if (cpu_s >= min_cpu_for_ratio_s) {
                report.set("notices_per_cpu_s", static_cast<double>(notices_) / cpu_s, 0);
            }
        }
        std::optional<double> per_member;
        if (rss_before_ && rss_after_) {
            report.set("server_rss_before_kib", *rss_before_);
            report.set("server_rss_after_kib", *rss_after_);
            if (ready_count() > 0) {
                per_member = (static_cast<double>(*rss_after_) - static_cast<double>(*rss_before_)) * 1024.0 /
                             ready_count();
                report.set("rss_per_member_bytes", *per_member, 0);
            }
        }
        std::ostringstream human;
        human << ready_count() << '/' << logins_.logins << " logins (inflight " << options().inflight
              << ") finished in " << total_s << " s with " << notices_ << '/' << expected()
              << " entered notices";
        if (rss_after_) {
            human << "; server RSS " << *rss_after_ / 1024 << " MiB";
        }
        return human.str();
    }

    LoginsOptions logins_;
    std::uint64_t notices_ = 0;
    std::int64_t start_ns_ = 0;
    std::int64_t logged_in_ns_ = 0;
    std::int64_t last_notice_ns_ = 0;
    std::int64_t end_ns_ = 0;
    std::optional<double> cpu_before_;
    std::optional<double> cpu_after_;
    std::optional<std::uint64_t> rss_before_;
    std::optional<std::uint64_t> rss_after_;
};

}  // namespace

int run_logins(const RunOptions& run, const LoginsOptions& logins) {
    Logins scenario{run, logins};
    return scenario.run();
}

}  // namespace natter::bench
