#include "src/net/batch_sender.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace natter::net {
namespace {

std::string reason(int negative_errno) { return std::strerror(-negative_errno); }

bool supports_send(io_uring& ring) {
    io_uring_probe* probe = io_uring_get_probe_ring(&ring);
    if (probe == nullptr) return false;
    const bool supported = io_uring_opcode_supported(probe, IORING_OP_SEND) != 0;
    io_uring_free_probe(probe);
    return supported;
}

}  // namespace

Result<std::unique_ptr<BatchSender>> BatchSender::create(unsigned entries) {
    std::unique_ptr<BatchSender> sender{new BatchSender};
    io_uring_params params{};
    // Without SUBMIT_ALL the kernel stops a batch at the first bad entry.
    params.flags = IORING_SETUP_SUBMIT_ALL;
    if (const int status = io_uring_queue_init_params(entries, &sender->ring_, &params); status < 0) {
        return fail(fmt::format("io_uring unavailable: {}", reason(status)));
    }
    sender->entries_ = entries;
    if (!supports_send(sender->ring_)) return fail("io_uring unavailable: the kernel has no IORING_OP_SEND");
    return sender;
}

BatchSender::~BatchSender() {
    if (entries_ != 0) io_uring_queue_exit(&ring_);
}

void BatchSender::add(int fd, std::span<const char> bytes) { jobs_.push_back({fd, bytes}); }

std::span<const int> BatchSender::send_all() {
    results_.assign(jobs_.size(), -EAGAIN);
    for (std::size_t first = 0; first < jobs_.size() && broken_.empty(); first += entries_) {
        submit_and_reap(first, std::min<std::size_t>(entries_, jobs_.size() - first));
    }
    jobs_.clear();
    return results_;
}

void BatchSender::submit_and_reap(std::size_t first, std::size_t count) {
    for (std::size_t i = first; i < first + count; ++i) {
        io_uring_sqe* sqe = io_uring_get_sqe(&ring_);  // never null: count <= entries, ring empty
        io_uring_prep_send(sqe, jobs_[i].fd, jobs_[i].bytes.data(), jobs_[i].bytes.size(),
                           MSG_DONTWAIT | MSG_NOSIGNAL);
        io_uring_sqe_set_data64(sqe, i);
    }
    std::size_t submitted = 0;
    for (int attempt = 0; submitted < count; ++attempt) {
        const int status = io_uring_submit(&ring_);
        if (status > 0) {
            submitted += static_cast<std::size_t>(status);
        } else if ((status != -EINTR && status != -EAGAIN && status != -EBUSY) || attempt >= 16) {
            // Entries the kernel never took stay in the ring: give up on it
            // (the owner sends socket by socket from now on); their results
            // stay -EAGAIN, so their bytes go by the ordinary write path.
            broken_ = fmt::format("io_uring submit failed: {}", reason(status == 0 ? -EIO : status));
            break;
        }
    }
    // Non-blocking sends complete during the submit; waiting only collects.
    // A send the kernel took but whose result is lost may have gone out
    // whole or in part, so it counts as a failed connection (-EIO) rather
    // than being sent again.
    std::fill_n(results_.begin() + static_cast<std::ptrdiff_t>(first), submitted, -EIO);
    for (std::size_t reaped = 0; reaped < submitted;) {
        io_uring_cqe* cqe = nullptr;
        const int status = io_uring_wait_cqe(&ring_, &cqe);
        if (status == -EINTR) continue;
        if (status < 0) {
            broken_ = fmt::format("io_uring wait failed: {}", reason(status));
            return;
        }
        results_[io_uring_cqe_get_data64(cqe)] = cqe->res;
        io_uring_cqe_seen(&ring_, cqe);
        ++reaped;
    }
}

}  // namespace natter::net
