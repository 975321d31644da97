// Sends to many sockets with one system call: each loop iteration has output
// for many clients at once (a say reaches every member of the room), and on
// this kind of machine the system call itself costs about a third of a small
// TCP send. io_uring takes the whole list in one io_uring_enter; libuv 1.44
// does not use it for TCP, so natterd does, for this one step only.
//
// Every send is non-blocking (MSG_DONTWAIT): a full socket answers -EAGAIN at
// once and its client's rest goes through libuv's own write path, so a
// submission never waits for a peer.
#pragma once

#include <liburing.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "src/error.hpp"

namespace natter::net {

class BatchSender {
public:
    // An io_uring of `entries` slots, or why this kernel or sandbox will not
    // give one (the caller then writes socket by socket).
    [[nodiscard]] static Result<std::unique_ptr<BatchSender>> create(unsigned entries = 512);
    ~BatchSender();
    BatchSender(const BatchSender&) = delete;
    BatchSender& operator=(const BatchSender&) = delete;

    // Queues `bytes` for `fd`; nothing is sent until send_all(). The bytes
    // must stay put until then.
    void add(int fd, std::span<const char> bytes);

    // Sends everything queued and forgets it. Result i is for the i-th add():
    // the bytes the kernel took (maybe fewer than asked) or a negative errno
    // (-EAGAIN: the socket's buffer is full). Valid until the next add().
    [[nodiscard]] std::span<const int> send_all();

    // Why the ring stopped working, or empty. Once set, send_all() reports
    // -EAGAIN for everything and the owner should write socket by socket.
    [[nodiscard]] const std::string& broken() const { return broken_; }

private:
    BatchSender() = default;
    void submit_and_reap(std::size_t first, std::size_t count);

    struct Job {
        int fd;
        std::span<const char> bytes;
    };

    io_uring ring_{};
    unsigned entries_ = 0;
    std::vector<Job> jobs_;
    std::vector<int> results_;
    std::string broken_;
};

}  // namespace natter::net
