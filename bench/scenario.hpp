// bench/scenario.hpp — what every load scenario shares: the client pool,
// the overall deadline (every wait is bounded by it), logging in a batch of
// clients with a bounded number in flight, counting lost connections, and
// printing the RESULT line plus a human summary. A scenario subclass adds
// its traffic pattern and its own report keys; it never touches sockets.
#pragma once

#include "bench/client_pool.hpp"
#include "bench/dialect.hpp"
#include "bench/report.hpp"
#include "bench/run_options.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace natter::bench {

class Scenario : public PoolEvents {
public:
    // `capacity` is the number of client ids the run may use.
    Scenario(const RunOptions& options, std::string name, std::uint32_t capacity, bool join_room,
             std::uint32_t first_source = 0);
    virtual ~Scenario() = default;

    // Executes the scenario and prints its report. Returns the exit status:
    // 0 ok, 1 failed (errors, lost lines), 2 timed out.
    int run();

protected:
    // The traffic pattern; may throw Timeout (via wait_until).
    virtual void execute() = 0;
    // Adds the scenario's keys to the report and returns the human summary.
    virtual std::string describe(Report& report) = 0;
    // True when the measured run showed a server fault (lost lines, ...).
    [[nodiscard]] virtual bool failed() const { return false; }

    // Hooks for subclasses, called after the base bookkeeping.
    virtual void client_ready(std::uint32_t /*id*/, std::int64_t /*now*/) {}
    virtual void client_lost(std::uint32_t /*id*/, std::int64_t /*now*/) {}

    // Opens clients [first, first + count) named `prefix`<id>, at most
    // options().inflight in handshake at once, and waits until each is ready
    // or lost. Stops opening after `max_failures` losses.
    void login_all(std::uint32_t first, std::uint32_t count, std::string_view prefix,
                   std::uint32_t max_failures = 0);

    // Several nodes (--ports): until every ready client among [0, clients)
    // has heard a probe line from a client on each node, so every node is
    // subscribed to the room before measured lines are sent (a node joins
    // the room's channel when its first member arrives, asynchronously).
    // Probes are bench lines whose sender is probe_sender + node, resent
    // every 500 ms; on_line must hand every chat line to take_probe first.
    // One node: does nothing.
    void settle_nodes(std::uint32_t clients);
    // True when `line` is a probe (now or late), which then counts nowhere.
    bool take_probe(std::uint32_t id, const Line& line);
    static constexpr std::uint32_t probe_sender = 0xF0000000U;

    // Polls until `done()` holds. `wake()` returns the next time the
    // subclass wants control (default: 50 ms tick); `tick()` runs after each
    // poll. Throws Timeout when the overall deadline passes first.
    void wait_until(const std::function<bool()>& done, std::string_view phase,
                    const std::function<std::int64_t()>& wake = {},
                    const std::function<void(std::int64_t)>& tick = {});

    // Waits until `progress()` stops changing for drain_s, or `complete()`.
    void drain(const std::function<std::uint64_t()>& progress, const std::function<bool()>& complete,
               std::string_view phase);

    [[nodiscard]] const RunOptions& options() const noexcept { return options_; }
    [[nodiscard]] ClientPool& pool() noexcept { return pool_; }
    [[nodiscard]] const Dialect& dialect() const noexcept { return dialect_; }
    [[nodiscard]] std::uint32_t ready_count() const noexcept { return ready_; }
    [[nodiscard]] std::uint32_t lost_count() const noexcept { return lost_; }
    [[nodiscard]] std::uint32_t lost_after_ready() const noexcept { return lost_after_ready_; }

private:
    [[nodiscard]] std::string report_label() const;
    [[nodiscard]] std::string phase_census() const;
    void on_ready(std::uint32_t id, std::int64_t now) final;
    void on_lost(std::uint32_t id, std::string_view why, std::int64_t now) final;

    RunOptions options_;
    std::string name_;
    Dialect dialect_;
    ClientPool pool_;
    std::int64_t started_ns_;
    std::int64_t deadline_ns_;
    std::string phase_ = "start";
    std::vector<std::uint8_t> was_ready_;  // per id: reached Phase::ready
    std::uint32_t handshaking_ = 0;        // opened, neither ready nor lost
    std::uint32_t ready_ = 0;
    std::uint32_t lost_ = 0;
    std::uint32_t lost_after_ready_ = 0;
    std::string first_loss_;
    std::vector<std::uint64_t> heard_nodes_;  // settle: per client, bit per node heard
    std::uint64_t probes_ = 0;
    double settle_s_ = -1;                    // < 0: not settled (one node)
};

// Thrown by Scenario::wait_until when the overall deadline passes.
struct Timeout {
    std::string phase;
};

// Builds the server address; throws std::invalid_argument on a bad host.
sockaddr_in make_address(const std::string& host, std::uint16_t port);

// The first source address (host byte order) of a scenario that spreads its
// clients over 127.0.0.2, 127.0.0.3, ... (--source-base, default 127.0.0.2);
// throws std::invalid_argument for one outside 127.0.0.0/8.
std::uint32_t first_source_address(const RunOptions& run);

}  // namespace natter::bench
