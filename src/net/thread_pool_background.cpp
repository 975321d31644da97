#include "src/net/thread_pool_background.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include <spdlog/spdlog.h>

namespace natter::net {

ThreadPoolBackground::ThreadPoolBackground(uv_loop_t* loop) : loop_{loop} {
    // libuv starts its pool (4 threads unless UV_THREADPOOL_SIZE says
    // otherwise) at the first uv_queue_work and never resizes it. Password
    // hashes take up to one thread per CPU (HashingQueue); two more keep
    // database work (bans, the operators' tools, expiry) from waiting
    // behind them. Before any thread exists, so setenv is safe here.
    if (std::getenv("UV_THREADPOOL_SIZE") == nullptr) {
        const unsigned threads = std::max(4U, uv_available_parallelism() + 2);
        setenv("UV_THREADPOOL_SIZE", std::to_string(threads).c_str(), 0);
    }
}

void ThreadPoolBackground::run(std::function<void()> work, std::function<void()> done) {
    auto* job = new Job{.request = {}, .work = std::move(work), .done = std::move(done), .owner = this};
    job->request.data = job;
    ++jobs_in_flight_;
    if (const int status = uv_queue_work(loop_, &job->request, &ThreadPoolBackground::on_work,
                                         &ThreadPoolBackground::on_after_work);
        status != 0) {
        // Only a programming error makes this fail; run it here rather than lose it.
        spdlog::error("uv_queue_work failed ({}); running the work on the loop thread", uv_strerror(status));
        job->work();
        --jobs_in_flight_;
        job->done();
        delete job;
    }
}

void ThreadPoolBackground::on_work(uv_work_t* request) noexcept {
    auto* job = static_cast<Job*>(request->data);
    try {
        job->work();
    } catch (...) {
        // The work reports through what it captured; an exception (out of
        // memory) leaves that unset, which `done` reports as a failure. No
        // logging here: the logger belongs to the loop thread.
    }
}

void ThreadPoolBackground::on_after_work(uv_work_t* request, int) noexcept {
    auto* job = static_cast<Job*>(request->data);
    --job->owner->jobs_in_flight_;
    try {
        job->done();
    } catch (const std::exception& e) {
        spdlog::error("background completion failed: {}", e.what());
    }
    delete job;
}

void ThreadPoolBackground::after(std::chrono::milliseconds delay, std::function<void()> done) {
    if (closed_) return;
    auto* wait = new Wait{.timer = {}, .done = std::move(done), .owner = this, .position = {}};
    uv_timer_init(loop_, &wait->timer);
    wait->timer.data = wait;
    wait->position = waits_.insert(waits_.end(), wait);
    uv_timer_start(&wait->timer, &ThreadPoolBackground::on_timer, static_cast<std::uint64_t>(delay.count()), 0);
}

void ThreadPoolBackground::on_timer(uv_timer_t* timer) noexcept {
    auto* wait = static_cast<Wait*>(timer->data);
    wait->owner->waits_.erase(wait->position);
    auto done = std::move(wait->done);
    // Freed in the close callback, never here: libuv still holds the handle.
    uv_close(reinterpret_cast<uv_handle_t*>(timer), &ThreadPoolBackground::on_timer_closed);
    try {
        done();
    } catch (const std::exception& e) {
        spdlog::error("timed completion failed: {}", e.what());
    }
}

void ThreadPoolBackground::on_timer_closed(uv_handle_t* handle) noexcept { delete static_cast<Wait*>(handle->data); }

void ThreadPoolBackground::close() {
    closed_ = true;
    for (auto* wait : waits_) {
        uv_close(reinterpret_cast<uv_handle_t*>(&wait->timer), &ThreadPoolBackground::on_timer_closed);
    }
    waits_.clear();
}

}  // namespace natter::net
