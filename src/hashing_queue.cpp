#include "src/hashing_queue.hpp"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "src/background.hpp"

namespace natter {

bool HashingQueue::submit(Background& background, const Limits& limits, Job job) {
    background_ = &background;
    limits_ = limits;
    limits_.workers = std::max<std::size_t>(limits_.workers, 1);
    job.done = [this, submitted = std::chrono::steady_clock::now(), done = std::move(job.done)] {
        latency_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - submitted).count());
        if (done) done();
    };
    if (running_ < limits_.workers && waiting_.empty()) {
        start(std::move(job));
    } else if (waiting_.size() < limits_.waiting) {
        waiting_.push_back(std::move(job));
        start_waiting();  // a reload may have added workers
    } else {
        if (refused_++ == 0) {
            spdlog::warn("password hashing busy ({} running, {} waiting): telling newcomers to try again",
                         running_, waiting_.size());
        }
        return false;
    }
    if (refused_ > 0) {
        spdlog::info("password hashing has room again; {} were told the server was busy", refused_);
        refused_ = 0;
    }
    return true;
}

void HashingQueue::start(Job job) {
    ++running_;
    auto work = std::move(job.work);
    background_->run(std::move(work), [this, done = std::move(job.done)] {
        // Free the worker first: `done` may submit again (a pipelined login).
        finished();
        done();
    });
}

void HashingQueue::finished() {
    --running_;
    start_waiting();
}

void HashingQueue::start_waiting() {
    while (running_ < limits_.workers && !waiting_.empty()) {
        Job job = std::move(waiting_.front());
        waiting_.pop_front();
        if (job.wanted && !job.wanted()) {
            if (job.dropped) job.dropped();
            continue;
        }
        start(std::move(job));
    }
}

std::size_t hashing_workers(std::size_t memory_mb, std::size_t per_hash_bytes) {
    std::size_t cpus = 0;
    if (cpu_set_t set; sched_getaffinity(0, sizeof set, &set) == 0) cpus = static_cast<std::size_t>(CPU_COUNT(&set));
    if (cpus == 0) cpus = std::max(1U, std::thread::hardware_concurrency());
    const std::size_t fit = memory_mb * 1024 * 1024 / std::max<std::size_t>(per_hash_bytes, 1);
    return std::max<std::size_t>(1, std::min(fit, cpus));
}

}  // namespace natter
