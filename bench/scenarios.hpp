// bench/scenarios.hpp — entry points of the load scenarios. Each runs
// to completion (or the --timeout), prints one RESULT line and one human
// line, and returns the exit status (0 ok, 1 failed/degraded, 2 timeout).
#pragma once

#include "bench/run_options.hpp"

namespace natter::bench {

// N clients in one room each send M lines, at most W unacknowledged.
int run_fanout(const RunOptions& run, const FanoutOptions& fanout);
// N clients each send R lines/s for D seconds; latency and server CPU.
int run_rate(const RunOptions& run, const RateOptions& rate);
// K logged-in connections held open; connect+login rate and RSS per conn.
int run_conns(const RunOptions& run, const ConnsOptions& conns);
// L clients log into one room in turn; time until every notice arrived.
int run_logins(const RunOptions& run, const LoginsOptions& logins);
// K clients in one room, S of them chatting, while natterd (--server-pid)
// restarts in place on SIGUSR2; the time until every client saw the restart
// complete, and every line delivered once, in order.
int run_reboot(const RunOptions& run, const RebootOptions& reboot);

}  // namespace natter::bench
