// Password hashing with bounded cost: at most `workers` argon2id hashes run
// at once (each takes 64 MiB, so this bounds their memory), at most
// `waiting` more wait their turn, and past that a new one is refused at once
// so the caller can say the server is busy. Everything that hashes (login,
// register, password) goes through here. Runs work through the Background;
// all its own calls are on the loop thread. Knows nothing of sessions.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>

#include "src/histogram.hpp"

namespace natter {

class Background;

class HashingQueue {
public:
    struct Limits {
        std::size_t workers = 1;   // hashes running at once (at least 1)
        std::size_t waiting = 64;  // hashes queued behind them
    };

    struct Job {
        std::function<void()> work;  // on a worker thread: the hash itself
        std::function<void()> done;  // then on the loop thread
        // Asked on the loop thread when a queued job's turn comes; false
        // (its session has gone) drops it without hashing: `dropped` runs
        // instead of `work` and `done`. Unset: always wanted.
        std::function<bool()> wanted;
        std::function<void()> dropped;
    };

    // Starts `job` or queues it; false if the queue is full (the job is
    // destroyed unrun and none of its functions is called). `limits` are
    // read afresh on each call, so a reload applies to the next job.
    [[nodiscard]] bool submit(Background& background, const Limits& limits, Job job);

    [[nodiscard]] std::size_t running() const { return running_; }
    [[nodiscard]] std::size_t waiting() const { return waiting_.size(); }
    // Seconds from submit() to the job's `done`, waiting included: what a
    // user typing a password waits for.
    [[nodiscard]] const Histogram& latency() const { return latency_; }

private:
    void start(Job job);
    void finished();
    void start_waiting();

    Background* background_ = nullptr;
    Limits limits_;
    std::size_t running_ = 0;
    std::deque<Job> waiting_;
    std::size_t refused_ = 0;  // in the current busy episode; > 0: in one
    Histogram latency_{{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}};
};

// How many hashes may run at once: as many as fit in `memory_mb` at
// `per_hash_bytes` each, no more than the CPUs this process may use (more
// would only queue inside the kernel), and at least one.
[[nodiscard]] std::size_t hashing_workers(std::size_t memory_mb, std::size_t per_hash_bytes);

}  // namespace natter
