// The Background the server runs with: work on libuv's thread pool
// (uv_queue_work), waits on libuv timers, and every `done` on the loop
// thread. Each request and timer is heap memory owned by libuv until its
// completion or close callback, which frees it.
#pragma once

#include <uv.h>

#include <chrono>
#include <functional>
#include <list>

#include "src/background.hpp"

namespace natter::net {

class ThreadPoolBackground final : public Background {
public:
    // `loop` may not be initialised yet; it must be by the first call.
    // Sizes libuv's pool (see the definition) unless UV_THREADPOOL_SIZE is set.
    explicit ThreadPoolBackground(uv_loop_t* loop);
    ~ThreadPoolBackground() override = default;
    ThreadPoolBackground(const ThreadPoolBackground&) = delete;
    ThreadPoolBackground& operator=(const ThreadPoolBackground&) = delete;

    void run(std::function<void()> work, std::function<void()> done) override;
    void after(std::chrono::milliseconds delay, std::function<void()> done) override;

    // At shutdown: closes the timers not yet due (their `done` never runs),
    // so they do not keep the loop alive, and refuses new ones. Work in
    // flight still completes; the loop waits for it.
    void close();

    // Work handed to the pool whose completion has not run yet.
    [[nodiscard]] std::size_t jobs_in_flight() const { return jobs_in_flight_; }

private:
    struct Job {
        uv_work_t request;
        std::function<void()> work;
        std::function<void()> done;
        ThreadPoolBackground* owner;
    };
    struct Wait {
        uv_timer_t timer;
        std::function<void()> done;
        ThreadPoolBackground* owner;
        std::list<Wait*>::iterator position;  // in waits_
    };

    static void on_work(uv_work_t* request) noexcept;
    static void on_after_work(uv_work_t* request, int status) noexcept;
    static void on_timer(uv_timer_t* timer) noexcept;
    static void on_timer_closed(uv_handle_t* handle) noexcept;

    uv_loop_t* loop_;
    std::list<Wait*> waits_;  // timers started and not yet fired or closed
    std::size_t jobs_in_flight_ = 0;
    bool closed_ = false;
};

}  // namespace natter::net
