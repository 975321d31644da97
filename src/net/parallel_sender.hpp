// Hands one flush's output for many sockets to the kernel on several threads
// at once: the calling (loop) thread and `threads - 1` I/O threads, each
// sending its share of the list with its own io_uring ring where the kernel
// gives one, else with one send() per socket. What natterd pays for is the
// kernel's cost of a send per listener; on a machine with more than one core
// that cost divides across them.
//
// The I/O threads run system calls only, on bytes the caller prepared and
// keeps in place: no session, room or world code runs on them, and nothing
// of theirs is visible to the caller until send_all() returns, after which
// the caller applies the results on its own thread. Every send is
// non-blocking (MSG_DONTWAIT), so no thread ever waits for a peer.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "src/net/batch_sender.hpp"

namespace natter::net {

class ParallelSender {
public:
    // `threads` senders in all, the caller's included (at least 1); each
    // with a ring of its own when `io_uring` is set and the kernel allows.
    // `min_per_thread`: a flush shorter than this per thread wakes fewer
    // threads, since waking one costs about as much as a few sends.
    ParallelSender(unsigned threads, bool io_uring, std::size_t min_per_thread = default_min_per_thread);
    ~ParallelSender();
    ParallelSender(const ParallelSender&) = delete;
    ParallelSender& operator=(const ParallelSender&) = delete;

    static constexpr std::size_t default_min_per_thread = 8;

    // Threads that send, the caller's included (fewer than asked if the
    // system would not start one).
    [[nodiscard]] unsigned threads() const { return static_cast<unsigned>(lanes_.size()); }
    // How many threads the last send_all() spread its list over.
    [[nodiscard]] unsigned threads_used() const { return threads_used_; }
    // How many of them send with an io_uring ring.
    [[nodiscard]] unsigned rings() const;
    // Why a thread has no ring though io_uring was asked for; empty if none.
    [[nodiscard]] const std::string& unavailable() const { return unavailable_; }
    // What went wrong since the last call (a ring that stopped working, a
    // thread that would not start), for the caller's log. Call between
    // send_all()s.
    [[nodiscard]] std::vector<std::string> take_notes();

    // Queues `bytes` for `fd`; nothing is sent until send_all(). The bytes
    // must stay put until then.
    void add(int fd, std::span<const char> bytes);

    // Sends everything queued, split in contiguous shares across the
    // threads, waits for all of them, and forgets the queue. Result i is for
    // the i-th add(): the bytes the kernel took (maybe fewer) or a negative
    // errno (-EAGAIN: the socket's buffer is full). Valid until the next add().
    [[nodiscard]] std::span<const int> send_all();

private:
    struct Job {
        int fd;
        std::span<const char> bytes;
    };
    // One thread's sender and its share of a round. Aligned so that two
    // threads' lanes never share a cache line.
    struct alignas(64) Lane {
        std::unique_ptr<BatchSender> ring;  // null: send() per socket
        std::vector<std::string> notes;     // written by the lane's thread, read between rounds
        std::size_t first = 0;
        std::size_t count = 0;
        std::atomic<std::uint32_t> round{0};  // bumped by the caller to start a share
        std::thread thread;                   // not started for lane 0 (the caller)
    };

    void work(Lane& lane);        // an I/O thread's life
    void send_share(Lane& lane);  // sends lane's share of jobs_, fills results_

    std::vector<std::unique_ptr<Lane>> lanes_;
    std::vector<Job> jobs_;
    std::vector<int> results_;
    std::size_t min_per_thread_;
    std::string unavailable_;
    unsigned threads_used_ = 0;
    std::atomic<std::uint32_t> unfinished_{0};  // I/O threads still sending this round
    std::atomic<bool> stopping_{false};
};

}  // namespace natter::net
