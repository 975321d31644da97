// bench/scenario_fanout.cpp — the fanout scenario: N clients in one room,
// each sending M bench lines with at most W of its own unacknowledged.
//
// Acknowledgement: natter echoes `say` to the sender, so a line is acked
// when its sender reads its own echo. IRC does not echo PRIVMSG to the
// sender, so each client sends `PING :<k>` after every ceil(W/2)-th line
// (and after its last); the server answers PINGs in order, so PONG <k>
// proves lines < k were processed. With chunks of ceil(W/2) a client keeps
// W lines in flight without waiting on a round trip between chunks.
#include "bench/clock.hpp"
#include "bench/delivery_tracker.hpp"
#include "bench/latency_histogram.hpp"
#include "bench/node_list.hpp"
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

// /proc CPU times tick at 1/100 s: below a second the share is noise.
constexpr double min_cpu_window_s = 1.0;

class Fanout final : public Scenario {
public:
    Fanout(const RunOptions& run, const FanoutOptions& fanout)
        : Scenario{run, "fanout", fanout.clients, true}, fanout_{fanout},
          tracker_{fanout.clients, fanout.lines}, sent_(fanout.clients, 0), acked_(fanout.clients, 0),
          done_(fanout.clients, 0) {
        if (fanout.clients < 2 || fanout.lines == 0 || fanout.window == 0) {
            throw std::invalid_argument{"fanout needs clients >= 2, lines >= 1, window >= 1"};
        }
        chunk_ = std::max<std::uint32_t>(1, (fanout.window + 1) / 2);
        nodes_ = run.ports.size() > 1 ? run.ports.size() : 0;
        by_nodes_.assign(nodes_ * nodes_, 0);
    }

private:
    void execute() override {
        const std::int64_t login_start = now_ns();
        login_all(0, fanout_.clients, "u");
        login_s_ = ns_to_seconds(now_ns() - login_start);
        if (ready_count() < fanout_.clients) {
            throw std::runtime_error{"only " + std::to_string(ready_count()) + " of " +
                                     std::to_string(fanout_.clients) + " clients logged in"};
        }
        settle_nodes(fanout_.clients);
        cpu_before_ = process_cpu_seconds(options().server_pids);
        cpu_ns_before_ = process_cpu_ns(options().server_pids);
        start_ns_ = now_ns();
        sending_ = true;
        for (std::uint32_t id = 0; id < fanout_.clients; ++id) {
            pump(id);
        }
        pool().flush_pending();
        wait_until([&] { return senders_done_ == fanout_.clients; }, "send");
        acked_ns_ = now_ns();
        drain([&] { return tracker_.unique() + tracker_.duplicates(); },
              [&] { return tracker_.unique() >= expected(); }, "drain");
        cpu_after_ = process_cpu_seconds(options().server_pids);
        cpu_ns_after_ = process_cpu_ns(options().server_pids);
        end_ns_ = std::max(last_delivery_ns_, acked_ns_);
    }

    // Queues lines until the client has `window` unacknowledged.
    void pump(std::uint32_t id) {
        if (pool().at(id).phase != Phase::ready || done_[id] != 0) {
            return;
        }
        std::string& out = pool().outbox(id);
        const std::int64_t now = now_ns();
        while (sent_[id] < fanout_.lines && sent_[id] - acked_[id] < fanout_.window) {
            dialect().append_chat(out, id, sent_[id], now);
            ++sent_[id];
            if (dialect().is_irc() && (sent_[id] % chunk_ == 0 || sent_[id] == fanout_.lines)) {
                dialect().append_sync(out, sent_[id]);
            }
        }
        pool().mark_pending(id);
    }

    void acknowledge(std::uint32_t id, std::uint32_t count) {
        if (count > acked_[id]) {
            acked_[id] = std::min(count, sent_[id]);
        }
        if (acked_[id] == fanout_.lines) {
            finish(id);
        } else {
            pump(id);
        }
    }

    void finish(std::uint32_t id) {
        if (done_[id] == 0) {
            done_[id] = 1;
            ++senders_done_;
        }
    }

    void on_line(std::uint32_t id, const Line& line, std::int64_t now) override {
        if (take_probe(id, line)) {
            return;
        }
        if (line.kind == LineKind::chat) {
            if (line.sender == id) {
                ++echoes_;
                if (sending_ && !dialect().is_irc()) {
                    acknowledge(id, line.seq + 1);
                }
                return;
            }
            const auto outcome = tracker_.record(id, line.sender, line.seq);
            if (nodes_ > 1 && (outcome == DeliveryTracker::Outcome::in_order ||
                               outcome == DeliveryTracker::Outcome::out_of_order)) {
                ++by_nodes_[node_of_client(line.sender, nodes_) * nodes_ + node_of_client(id, nodes_)];
            }
            latency_.record(now - line.sent_ns);
            last_delivery_ns_ = now;
        } else if (line.kind == LineKind::synced && dialect().is_irc() && sending_) {
            std::uint64_t token = 0;
            if (Dialect::parse_sync_token(line.token, token)) {
                acknowledge(id, static_cast<std::uint32_t>(std::min<std::uint64_t>(token, fanout_.lines)));
            }
        }
    }

    void client_lost(std::uint32_t id, std::int64_t /*now*/) override { finish(id); }

    [[nodiscard]] std::uint64_t expected() const {
        std::uint64_t lines = 0;
        for (const std::uint32_t s : sent_) {
            lines += s;
        }
        return lines * (fanout_.clients - 1);
    }

    [[nodiscard]] bool failed() const override {
        return delivered_lost() > 0 || tracker_.duplicates() > 0 || tracker_.out_of_order() > 0 ||
               tracker_.invalid() > 0;
    }

    // "<from>><to>:<lost>" for each pair of nodes (1-based) that lost lines,
    // or "none".
    [[nodiscard]] std::string lost_by_nodes() const {
        std::vector<std::uint64_t> want(nodes_ * nodes_, 0);
        for (std::uint32_t sender = 0; sender < fanout_.clients; ++sender) {
            for (std::size_t to = 0; to < nodes_; ++to) {
                const std::size_t from = node_of_client(sender, nodes_);
                const std::uint64_t receivers = clients_on_node(fanout_.clients, to, nodes_) - (from == to ? 1 : 0);
                want[from * nodes_ + to] += std::uint64_t{sent_[sender]} * receivers;
            }
        }
        std::string out;
        for (std::size_t i = 0; i < want.size(); ++i) {
            if (want[i] > by_nodes_[i]) {
                out += (out.empty() ? "" : ",") + std::to_string(i / nodes_ + 1) + ">" + std::to_string(i % nodes_ + 1) +
                       ":" + std::to_string(want[i] - by_nodes_[i]);
            }
        }
        return out.empty() ? "none" : out;
    }

    [[nodiscard]] std::uint64_t delivered_lost() const {
        const std::uint64_t want = expected();
        return want > tracker_.unique() ? want - tracker_.unique() : 0;
    }

    std::string describe(Report& report) override {
        std::uint64_t sent = 0;
        for (const std::uint32_t s : sent_) {
            sent += s;
        }
        const double send_s = start_ns_ != 0 && end_ns_ > start_ns_ ? ns_to_seconds(end_ns_ - start_ns_) : 0;
        const double per_s = send_s > 0 ? static_cast<double>(tracker_.unique()) / send_s : 0;
        const double lines_per_s = send_s > 0 ? static_cast<double>(sent) / send_s : 0;
        report.set("clients", fanout_.clients);
        report.set("lines", fanout_.lines);
        report.set("window", fanout_.window);
        report.set("ack", dialect().is_irc() ? "ping_every_" + std::to_string(chunk_) : std::string{"echo"});
        report.set("sent", sent);
        report.set("expected", expected());
        report.set("delivered", tracker_.unique());
        report.set("lost", delivered_lost());
        report.set("dup", tracker_.duplicates());
        report.set("ooo", tracker_.out_of_order());
        report.set("invalid", tracker_.invalid());
        if (nodes_ > 1) {
            report.set("lost_by_nodes", lost_by_nodes());
        }
        report.set("echoes", echoes_);
        report.set("login_s", login_s_, 3);
        report.set("send_s", send_s, 3);
        report.set("deliveries_per_s", per_s, 0);
        report.set("lines_per_s", lines_per_s, 0);
        report.set("p50_us", static_cast<double>(latency_.percentile(0.50)) / 1e3, 1);
        report.set("p99_us", static_cast<double>(latency_.percentile(0.99)) / 1e3, 1);
        report.set("max_us", static_cast<double>(latency_.max()) / 1e3, 1);
        std::optional<double> cpu_pct;
        if (cpu_before_ && cpu_after_) {
            // CPU seconds, not only a share: on a shared machine the server
            // may get little CPU, and work per CPU-second still compares.
            const double cpu_s = *cpu_after_ - *cpu_before_;
            report.set("server_cpu_s", cpu_s, 2);
            if (cpu_s >= min_cpu_for_ratio_s) {
                report.set("deliveries_per_cpu_s", static_cast<double>(tracker_.unique()) / cpu_s, 0);
            }
            if (send_s >= min_cpu_window_s) {
                cpu_pct = 100.0 * cpu_s / send_s;
                report.set("server_cpu_pct", *cpu_pct, 1);
            }
        }
        if (cpu_ns_before_ && cpu_ns_after_ && *cpu_ns_after_ > *cpu_ns_before_ && tracker_.unique() > 0) {
            // From the scheduler's nanoseconds, so it holds for short runs too.
            const auto cpu_ns = static_cast<double>(*cpu_ns_after_ - *cpu_ns_before_);
            report.set("server_cpu_ns_per_delivery", cpu_ns / static_cast<double>(tracker_.unique()), 1);
        }
        if (const auto rss = process_rss_kib(options().server_pids)) {
            report.set("server_rss_kib", *rss);
        }
        std::ostringstream human;
        human << fanout_.clients << " clients x " << fanout_.lines << " lines (window " << fanout_.window
              << "): " << tracker_.unique() << '/' << expected() << " deliveries in " << send_s << " s = "
              << static_cast<std::uint64_t>(per_s) << "/s, latency p50 "
              << latency_.percentile(0.5) / 1000 << " us p99 " << latency_.percentile(0.99) / 1000
              << " us max " << latency_.max() / 1000 << " us; lost " << delivered_lost() << ", dup "
              << tracker_.duplicates() << ", out-of-order " << tracker_.out_of_order();
        if (cpu_pct) {
            human << "; server CPU " << static_cast<int>(*cpu_pct) << " %";
        }
        return human.str();
    }

    FanoutOptions fanout_;
    DeliveryTracker tracker_;
    LatencyHistogram latency_;
    std::vector<std::uint32_t> sent_;
    std::vector<std::uint32_t> acked_;
    std::vector<std::uint8_t> done_;
    // Several nodes: unique deliveries per (sender's node, receiver's node),
    // so a loss can be placed on the path between two nodes.
    std::size_t nodes_ = 0;
    std::vector<std::uint64_t> by_nodes_;
    std::uint32_t chunk_ = 1;
    std::uint32_t senders_done_ = 0;
    std::uint64_t echoes_ = 0;
    bool sending_ = false;
    double login_s_ = 0;
    std::int64_t start_ns_ = 0;
    std::int64_t acked_ns_ = 0;
    std::int64_t end_ns_ = 0;
    std::int64_t last_delivery_ns_ = 0;
    std::optional<double> cpu_before_;
    std::optional<double> cpu_after_;
    std::optional<std::uint64_t> cpu_ns_before_;
    std::optional<std::uint64_t> cpu_ns_after_;
};

}  // namespace

int run_fanout(const RunOptions& run, const FanoutOptions& fanout) {
    Fanout scenario{run, fanout};
    return scenario.run();
}

}  // namespace natter::bench
