// How long each event loop iteration keeps the loop busy, for /metrics:
// from waking up out of the poll to being ready to poll again, the flush of
// pending output included — the longest a newly arrived line can wait
// before natter looks at it. Measured at the end of each iteration's
// prepare callback, less the time libuv reports it spent idle in the poll
// between (UV_METRICS_IDLE_TIME). Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>

#include "src/histogram.hpp"

namespace natter::net {

class LoopTimer {
public:
    // Turns on libuv's idle time accounting; call before the loop runs.
    void start(uv_loop_t* loop);
    // At the end of an iteration's work (the prepare callback's end).
    void iteration_done();
    [[nodiscard]] const Histogram& seconds() const { return seconds_; }

private:
    uv_loop_t* loop_ = nullptr;
    std::uint64_t last_done_ns_ = 0;
    std::uint64_t last_idle_ns_ = 0;
    Histogram seconds_{{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}};
};

}  // namespace natter::net
