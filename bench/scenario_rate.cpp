// bench/scenario_rate.cpp — the rate scenario: N clients in one room, each
// sending R bench lines per second for D seconds on a fixed schedule (the
// N*R sends per second are spread evenly, client by client), measuring
// delivery latency and the server's CPU share at that offered load.
//
// A line is stamped when it is queued and written in the same loop
// iteration; if the generator falls behind its schedule the lag is reported
// (max_send_lag_us) rather than hidden.
#include "bench/clock.hpp"
#include "bench/delivery_tracker.hpp"
#include "bench/latency_histogram.hpp"
#include "bench/proc_stats.hpp"
#include "bench/scenario.hpp"
#include "bench/scenarios.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace natter::bench {
namespace {

// /proc CPU times tick at 1/100 s: below a second the share is noise.
constexpr double min_cpu_window_s = 1.0;

class Rate final : public Scenario {
public:
    Rate(const RunOptions& run, const RateOptions& rate)
        : Scenario{run, "rate", rate.clients, true}, rate_{rate}, lines_{lines_per_client(rate)},
          tracker_{rate.clients, lines_}, sent_(rate.clients, 0) {
        if (rate.clients < 2) {
            throw std::invalid_argument{"rate needs at least 2 clients"};
        }
        slot_ns_ = 1e9 / (static_cast<double>(rate.clients) * rate.rate);
    }

private:
    static std::uint32_t lines_per_client(const RateOptions& rate) {
        if (!(rate.rate > 0) || !(rate.duration_s > 0)) {
            throw std::invalid_argument{"rate and duration must be positive"};
        }
        return static_cast<std::uint32_t>(std::llround(std::ceil(rate.rate * rate.duration_s)));
    }

    void execute() override {
        login_all(0, rate_.clients, "u");
        if (ready_count() < rate_.clients) {
            throw std::runtime_error{"only " + std::to_string(ready_count()) + " of " +
                                     std::to_string(rate_.clients) + " clients logged in"};
        }
        settle_nodes(rate_.clients);
        const std::uint64_t total = std::uint64_t{lines_} * rate_.clients;
        cpu_before_ = process_cpu_seconds(options().server_pids);
        gen_cpu_before_ = self_cpu_seconds();
        start_ns_ = now_ns();
        const auto slot_time = [&](std::uint64_t slot) {
            return start_ns_ + static_cast<std::int64_t>(static_cast<double>(slot) * slot_ns_);
        };
        const auto send_due = [&](std::int64_t now) {
            bool queued = false;
            while (next_slot_ < total && slot_time(next_slot_) <= now) {
                const auto id = static_cast<std::uint32_t>(next_slot_ % rate_.clients);
                const auto seq = static_cast<std::uint32_t>(next_slot_ / rate_.clients);
                max_lag_ns_ = std::max(max_lag_ns_, now - slot_time(next_slot_));
                ++next_slot_;
                if (pool().at(id).phase != Phase::ready) {
                    continue;
                }
                dialect().append_chat(pool().outbox(id), id, seq, now);
                pool().mark_pending(id);
                ++sent_[id];
                queued = true;
            }
            if (queued) {
                pool().flush_pending();
            }
        };
        send_due(now_ns());
        wait_until([&] { return next_slot_ >= total; }, "send",
                   [&] { return slot_time(next_slot_); }, send_due);
        send_end_ns_ = now_ns();
        cpu_after_ = process_cpu_seconds(options().server_pids);
        gen_cpu_after_ = self_cpu_seconds();
        drain([&] { return tracker_.unique() + tracker_.duplicates(); },
              [&] { return tracker_.unique() >= expected(); }, "drain");
    }

    void on_line(std::uint32_t id, const Line& line, std::int64_t now) override {
        if (take_probe(id, line)) {
            return;
        }
        if (line.kind != LineKind::chat) {
            return;
        }
        if (line.sender == id) {
            ++echoes_;
            return;
        }
        tracker_.record(id, line.sender, line.seq);
        // Latency ends when the line reached the client's socket; how long
        // this one thread then took to get round to reading it (up to a
        // hundred sockets in turn) is reported beside it, not mixed in.
        latency_.record((line.arrived_ns != 0 ? line.arrived_ns : now) - line.sent_ns);
        read_latency_.record(now - line.sent_ns);
        if (line.arrived_ns == 0) ++unstamped_;
    }

    [[nodiscard]] std::uint64_t expected() const {
        std::uint64_t lines = 0;
        for (const std::uint32_t s : sent_) {
            lines += s;
        }
        return lines * (rate_.clients - 1);
    }

    [[nodiscard]] std::uint64_t lost() const {
        return expected() > tracker_.unique() ? expected() - tracker_.unique() : 0;
    }

    [[nodiscard]] bool failed() const override {
        return lost() > 0 || tracker_.duplicates() > 0 || tracker_.out_of_order() > 0 || tracker_.invalid() > 0;
    }

    std::string describe(Report& report) override {
        std::uint64_t sent = 0;
        for (const std::uint32_t s : sent_) {
            sent += s;
        }
        const double window_s = send_end_ns_ > start_ns_ ? ns_to_seconds(send_end_ns_ - start_ns_) : 0;
        report.set("clients", rate_.clients);
        report.set("rate", rate_.rate, 2);
        report.set("duration_s", rate_.duration_s, 2);
        report.set("sent", sent);
        report.set("offered_lines_per_s", window_s > 0 ? static_cast<double>(sent) / window_s : 0, 1);
        report.set("expected", expected());
        report.set("delivered", tracker_.unique());
        report.set("lost", lost());
        report.set("dup", tracker_.duplicates());
        report.set("ooo", tracker_.out_of_order());
        report.set("p50_us", static_cast<double>(latency_.percentile(0.50)) / 1e3, 1);
        report.set("p99_us", static_cast<double>(latency_.percentile(0.99)) / 1e3, 1);
        report.set("p999_us", static_cast<double>(latency_.percentile(0.999)) / 1e3, 1);
        report.set("max_us", static_cast<double>(latency_.max()) / 1e3, 1);
        report.set("read_p50_us", static_cast<double>(read_latency_.percentile(0.50)) / 1e3, 1);
        report.set("read_p99_us", static_cast<double>(read_latency_.percentile(0.99)) / 1e3, 1);
        report.set("unstamped", unstamped_);
        report.set("max_send_lag_us", static_cast<double>(max_lag_ns_) / 1e3, 1);
        std::optional<double> cpu_pct;
        if (cpu_before_ && cpu_after_) {
            report.set("server_cpu_s", *cpu_after_ - *cpu_before_, 2);
            if (window_s >= min_cpu_window_s) {
                cpu_pct = 100.0 * (*cpu_after_ - *cpu_before_) / window_s;
                report.set("server_cpu_pct", *cpu_pct, 2);
            }
        }
        if (window_s > 0) {
            report.set("gen_cpu_pct", 100.0 * (gen_cpu_after_ - gen_cpu_before_) / window_s, 1);
        }
        if (const auto rss = process_rss_kib(options().server_pids)) {
            report.set("server_rss_kib", *rss);
        }
        std::ostringstream human;
        human << rate_.clients << " clients x " << rate_.rate << " lines/s for " << rate_.duration_s
              << " s: " << tracker_.unique() << '/' << expected() << " deliveries, latency p50 "
              << latency_.percentile(0.5) / 1000 << " us p99 " << latency_.percentile(0.99) / 1000
              << " us max " << latency_.max() / 1000 << " us; lost " << lost();
        if (cpu_pct) {
            human << "; server CPU " << *cpu_pct << " %";
        }
        return human.str();
    }

    RateOptions rate_;
    std::uint32_t lines_;
    DeliveryTracker tracker_;
    LatencyHistogram latency_;       // send to arrival at the client's socket
    LatencyHistogram read_latency_;  // send to the generator reading it
    std::uint64_t unstamped_ = 0;    // arrivals without a kernel stamp (read time used)
    std::vector<std::uint32_t> sent_;
    double slot_ns_ = 0;
    std::uint64_t next_slot_ = 0;
    std::uint64_t echoes_ = 0;
    std::int64_t start_ns_ = 0;
    std::int64_t send_end_ns_ = 0;
    std::int64_t max_lag_ns_ = 0;
    std::optional<double> cpu_before_;
    std::optional<double> cpu_after_;
    double gen_cpu_before_ = 0;
    double gen_cpu_after_ = 0;
};

}  // namespace

int run_rate(const RunOptions& run, const RateOptions& rate) {
    Rate scenario{run, rate};
    return scenario.run();
}

}  // namespace natter::bench
