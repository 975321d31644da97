// bench/scenario_conns.cpp — the conns scenario: K connections, each logged
// in (natter: `login`, landing in the first room; IRC: registration up to
// 001, no JOIN, because IRC would send every JOIN to every member) and held
// open. Connections are spread over source addresses 127.0.0.2, 127.0.0.3 …
// so K is not bounded by one address's ephemeral ports. Reports the
// connect+login rate overall and per 1000 completions (does it slow down as
// the count grows?) and the server's RSS growth per connection.
#include "bench/clock.hpp"
#include "bench/fd_limit.hpp"
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

constexpr std::uint32_t slice = 1000;

class Conns final : public Scenario {
public:
    Conns(const RunOptions& run, const ConnsOptions& conns)
        : Scenario{run, "conns", conns.conns, false, first_source_address(run)}, conns_{conns} {
        completions_.reserve(conns.conns);
    }

private:
    void execute() override {
        const std::uint64_t limit = raise_fd_limit();
        if (std::uint64_t{conns_.conns} + reserved_fds > limit) {
            throw std::runtime_error{"cannot hold " + std::to_string(conns_.conns) +
                                     " connections: RLIMIT_NOFILE is " + std::to_string(limit)};
        }
        rss_before_ = process_rss_kib(options().server_pids);
        cpu_before_ = process_cpu_seconds(options().server_pids);
        start_ns_ = now_ns();
        login_all(0, conns_.conns, "c", conns_.max_failures);
        logged_in_ns_ = now_ns();
        cpu_after_ = process_cpu_seconds(options().server_pids);
        held_after_login_ = ready_count();
        // Let the server finish any work the last logins caused before
        // sampling its memory.
        const std::int64_t settle_end = now_ns() + 500'000'000;
        wait_until([&] { return now_ns() >= settle_end; }, "settle", [&] { return settle_end; });
        rss_after_ = process_rss_kib(options().server_pids);
        const std::int64_t hold_end = now_ns() + seconds_to_ns(conns_.hold_s);
        wait_until([&] { return now_ns() >= hold_end; }, "hold", [&] { return hold_end; });
        held_at_end_ = ready_count();
    }

    void client_ready(std::uint32_t /*id*/, std::int64_t now) override { completions_.push_back(now); }

    [[nodiscard]] bool failed() const override { return held_at_end_ < conns_.conns; }

    std::string describe(Report& report) override {
        if (logged_in_ns_ == 0) {
            logged_in_ns_ = now_ns();  // timed out: the progress made until now
        }
        if (!cpu_after_) {
            cpu_after_ = process_cpu_seconds(options().server_pids);
        }
        const double login_s = logged_in_ns_ > start_ns_ ? ns_to_seconds(logged_in_ns_ - start_ns_) : 0;
        const double per_s = login_s > 0 ? static_cast<double>(completions_.size()) / login_s : 0;
        report.set("conns", conns_.conns);
        report.set("per_source", options().per_source);
        report.set("logged_in", static_cast<std::uint64_t>(completions_.size()));
        report.set("held", held_at_end_);
        report.set("login_s", login_s, 3);
        report.set("conns_per_s", per_s, 0);
        // Rate of each 1000 completions, in completion order.
        std::string slices;
        std::int64_t prev = start_ns_;
        for (std::size_t end = slice; end <= completions_.size(); end += slice) {
            const std::int64_t t = completions_[end - 1];
            const double rate = t > prev ? slice / ns_to_seconds(t - prev) : 0;
            if (!slices.empty()) {
                slices.push_back(',');
            }
            slices.append(std::to_string(static_cast<std::uint64_t>(rate)));
            prev = t;
        }
        report.set("slice_conns_per_s", slices);
        if (cpu_before_ && cpu_after_) {
            const double cpu_s = *cpu_after_ - *cpu_before_;
            report.set("server_cpu_s", cpu_s, 2);
            if (cpu_s >= min_cpu_for_ratio_s) {
                report.set("logins_per_cpu_s", static_cast<double>(completions_.size()) / cpu_s, 0);
            }
        }
        std::optional<double> per_conn;
        if (rss_before_ && rss_after_) {
            report.set("server_rss_before_kib", *rss_before_);
            report.set("server_rss_after_kib", *rss_after_);
            if (held_after_login_ > 0) {
                per_conn = (static_cast<double>(*rss_after_) - static_cast<double>(*rss_before_)) * 1024.0 /
                           held_after_login_;
                report.set("rss_per_conn_bytes", *per_conn, 0);
            }
        }
        std::ostringstream human;
        human << completions_.size() << '/' << conns_.conns << " connections logged in in " << login_s
              << " s (" << static_cast<std::uint64_t>(per_s) << "/s; per 1000: " << slices << "), "
              << held_at_end_ << " still held after " << conns_.hold_s << " s";
        if (per_conn) {
            human << "; server RSS +" << static_cast<std::int64_t>(*per_conn) << " B/conn";
        }
        return human.str();
    }

    void on_line(std::uint32_t /*id*/, const Line& /*line*/, std::int64_t /*now*/) override {}

    ConnsOptions conns_;
    std::vector<std::int64_t> completions_;
    std::int64_t start_ns_ = 0;
    std::int64_t logged_in_ns_ = 0;
    std::uint32_t held_after_login_ = 0;
    std::uint32_t held_at_end_ = 0;
    std::optional<double> cpu_before_;
    std::optional<double> cpu_after_;
    std::optional<std::uint64_t> rss_before_;
    std::optional<std::uint64_t> rss_after_;
};

}  // namespace

int run_conns(const RunOptions& run, const ConnsOptions& conns) {
    Conns scenario{run, conns};
    return scenario.run();
}

}  // namespace natter::bench
