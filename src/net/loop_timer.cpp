#include "src/net/loop_timer.hpp"

#include <spdlog/spdlog.h>

namespace natter::net {

void LoopTimer::start(uv_loop_t* loop) {
    if (const int status = uv_loop_configure(loop, UV_METRICS_IDLE_TIME); status != 0) {
        spdlog::warn("loop iteration times include idle time: {}", uv_strerror(status));
    }
    loop_ = loop;
}

void LoopTimer::iteration_done() {
    if (loop_ == nullptr) return;
    const std::uint64_t now = uv_hrtime();
    const std::uint64_t idle = uv_metrics_idle_time(loop_);
    if (last_done_ns_ != 0) {
        const std::uint64_t elapsed = now - last_done_ns_;
        const std::uint64_t slept = idle - last_idle_ns_;
        seconds_.observe(static_cast<double>(elapsed > slept ? elapsed - slept : 0) * 1e-9);
    }
    last_done_ns_ = now;
    last_idle_ns_ = idle;
}

}  // namespace natter::net
