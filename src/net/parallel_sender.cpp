#include "src/net/parallel_sender.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <system_error>

#include <fmt/format.h>

namespace natter::net {
namespace {

int send_one(int fd, std::span<const char> bytes) {
    for (int attempt = 0; attempt < 8; ++attempt) {
        const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent >= 0) return static_cast<int>(sent);
        if (errno != EINTR) return -errno;
    }
    return -EAGAIN;
}

// libuv's answer for the same condition: a kernel short of buffers is a
// full socket for now, not a broken connection.
int as_libuv_would(int result) { return result == -ENOBUFS ? -EAGAIN : result; }

}  // namespace

ParallelSender::ParallelSender(unsigned threads, bool io_uring, std::size_t min_per_thread)
    : min_per_thread_{std::max<std::size_t>(min_per_thread, 1)} {
    threads = std::max(threads, 1U);
    // The I/O threads block every signal sent to the process (a thread
    // inherits the mask), so those keep reaching the loop thread's handlers;
    // a fault of their own still reaches its handler (a sanitizer's, say).
    sigset_t blocked{};
    sigset_t before{};
    sigfillset(&blocked);
    for (const int fault : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) sigdelset(&blocked, fault);
    pthread_sigmask(SIG_SETMASK, &blocked, &before);
    for (unsigned i = 0; i < threads; ++i) {
        auto lane = std::make_unique<Lane>();
        if (io_uring) {
            if (auto ring = BatchSender::create()) {
                lane->ring = std::move(*ring);
            } else if (unavailable_.empty()) {
                unavailable_ = ring.error().message;
            }
        }
        if (i > 0) {
            try {
                lane->thread = std::thread{[this, raw = lane.get()] { work(*raw); }};
            } catch (const std::system_error& error) {
                lanes_.front()->notes.push_back(fmt::format("cannot start I/O thread {}: {}", i, error.what()));
                break;
            }
            pthread_setname_np(lane->thread.native_handle(), fmt::format("natter-io{}", i).c_str());
        }
        lanes_.push_back(std::move(lane));
    }
    pthread_sigmask(SIG_SETMASK, &before, nullptr);
}

ParallelSender::~ParallelSender() {
    stopping_.store(true, std::memory_order_release);
    for (std::size_t i = 1; i < lanes_.size(); ++i) {
        lanes_[i]->round.fetch_add(1, std::memory_order_release);
        lanes_[i]->round.notify_one();
    }
    for (std::size_t i = 1; i < lanes_.size(); ++i) lanes_[i]->thread.join();
}

unsigned ParallelSender::rings() const {
    return static_cast<unsigned>(std::ranges::count_if(lanes_, [](const auto& lane) { return lane->ring != nullptr; }));
}

std::vector<std::string> ParallelSender::take_notes() {
    std::vector<std::string> notes;
    for (auto& lane : lanes_) {
        std::ranges::move(lane->notes, std::back_inserter(notes));
        lane->notes.clear();
    }
    return notes;
}

void ParallelSender::add(int fd, std::span<const char> bytes) { jobs_.push_back({fd, bytes}); }

std::span<const int> ParallelSender::send_all() {
    results_.assign(jobs_.size(), -EAGAIN);
    threads_used_ = 0;
    if (jobs_.empty()) return results_;
    const std::size_t used = std::clamp<std::size_t>(jobs_.size() / min_per_thread_, 1, lanes_.size());
    threads_used_ = static_cast<unsigned>(used);
    const std::size_t share = jobs_.size() / used;
    const std::size_t extra = jobs_.size() % used;
    // Relaxed: each lane's round bump below releases it with the shares.
    unfinished_.store(static_cast<std::uint32_t>(used - 1), std::memory_order_relaxed);
    std::size_t next = 0;
    for (std::size_t i = 0; i < used; ++i) {
        Lane& lane = *lanes_[i];
        lane.first = next;
        lane.count = share + (i < extra ? 1 : 0);
        next += lane.count;
        if (i > 0) {
            lane.round.fetch_add(1, std::memory_order_release);
            lane.round.notify_one();
        }
    }
    send_share(*lanes_[0]);
    // The shares are about equal, so the others are usually nearly done;
    // wait() spins briefly before it sleeps in the kernel.
    for (auto left = unfinished_.load(std::memory_order_acquire); left != 0;
         left = unfinished_.load(std::memory_order_acquire)) {
        unfinished_.wait(left, std::memory_order_acquire);
    }
    jobs_.clear();
    return results_;
}

void ParallelSender::work(Lane& lane) {
    std::uint32_t seen = 0;
    for (;;) {
        lane.round.wait(seen, std::memory_order_acquire);
        seen = lane.round.load(std::memory_order_acquire);
        if (stopping_.load(std::memory_order_acquire)) return;
        send_share(lane);
        if (unfinished_.fetch_sub(1, std::memory_order_acq_rel) == 1) unfinished_.notify_one();
    }
}

void ParallelSender::send_share(Lane& lane) {
    const auto first = lane.first;
    const auto end = first + lane.count;
    if (lane.ring) {
        for (std::size_t i = first; i < end; ++i) lane.ring->add(jobs_[i].fd, jobs_[i].bytes);
        const auto sent = lane.ring->send_all();
        for (std::size_t i = 0; i < sent.size(); ++i) results_[first + i] = as_libuv_would(sent[i]);
        if (!lane.ring->broken().empty()) {
            // Its unsent entries answered -EAGAIN, so their bytes take the
            // ordinary write path; this lane sends socket by socket from now on.
            lane.notes.push_back(lane.ring->broken());
            lane.ring.reset();
        }
        return;
    }
    for (std::size_t i = first; i < end; ++i) results_[i] = as_libuv_would(send_one(jobs_[i].fd, jobs_[i].bytes));
}

}  // namespace natter::net
