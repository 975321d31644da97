// Input paced by output (SPEC §5: a client that stops reading is dropped,
// never slowing anyone else; one that reads never is). natterd turns every
// input byte into many output bytes, so reading input as fast as it arrives
// would bury any reader slower than a burst. The pacer decides when the
// network layer stops reading new input — while a draining client's queue,
// or the sum of all draining clients' queues, is over a high-water mark —
// and when it reads again (below a low-water mark); and which clients must
// go: one whose kernel took nothing for stall_timeout while output waited
// (stalled), and one that drains but so slowly that it alone kept input
// paused for stall_timeout in one episode (too slow; the episode ends when
// its queue is under the low mark). A client is draining when its kernel
// took bytes within the last draining_window; one that is not never holds
// input back. Pure: time and each client's queue are passed in; clients are
// known by session id.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace natter {

class OutputPacer {
public:
    using Clock = std::chrono::steady_clock;

    struct Limits {
        std::size_t client_high = 512 * 1024;  // one draining client's queue that pauses input
        std::size_t client_low = 256 * 1024;   // ... and that lets it go again
        std::size_t total_high = 64 * 1024 * 1024;  // all draining clients' queues together
        std::size_t total_low = 32 * 1024 * 1024;
        Clock::duration stall_timeout = std::chrono::seconds{10};
        Clock::duration draining_window = std::chrono::seconds{1};
    };
    // The marks for a per-client output limit: half of it pauses, a
    // quarter resumes, so a draining client never reaches the limit.
    [[nodiscard]] static Limits limits_for(std::size_t output_buffer_bytes, std::chrono::seconds stall_timeout);

    // What the network layer knows of one client's output right now: bytes
    // waiting in natterd (queued in the session and handed to the event
    // loop), of those how many the event loop holds, and how many the kernel
    // holds unacknowledged. Either of the last two shrinking is progress: the
    // event loop writes only when the kernel has room, the kernel frees room
    // only as the peer reads.
    struct Sample {
        std::size_t pending = 0;
        std::size_t in_loop_queue = 0;
        std::size_t unacknowledged = 0;
        bool gone = false;  // the session no longer exists
    };
    enum class Drop { stalled, too_slow };
    struct Doomed {
        std::uint64_t id;
        Drop why;
    };

    void set_limits(Limits limits) { limits_ = limits; }
    [[nodiscard]] const Limits& limits() const { return limits_; }

    // Whether input must not be read now.
    [[nodiscard]] bool paused() const { return paused_; }
    // Clients being watched: some output of theirs is behind.
    [[nodiscard]] std::size_t watched() const { return clients_.size(); }

    // A client's output went to the event loop to wait for its kernel;
    // `took` says whether the kernel took any just now.
    void on_backlog(std::uint64_t id, bool took, Clock::time_point now);
    // The kernel took all the bytes the event loop held for this client.
    void on_progress(std::uint64_t id, Clock::time_point now);
    // A client's queue grew past client_high while output was being
    // produced (called once per crossing): a draining client pauses input at
    // once, before the rest of the loop iteration adds to it.
    void on_growth(std::uint64_t id, Clock::time_point now);
    // Forget a client (its connection closed).
    void forget(std::uint64_t id) { clients_.erase(id); }

    // Looks at every watched client (`sample` reads its queue), updates
    // paused(), and returns the clients to drop, which are no longer
    // watched. Cost: the number of watched clients.
    [[nodiscard]] std::vector<Doomed> evaluate(Clock::time_point now, const std::function<Sample(std::uint64_t)>& sample);

    [[nodiscard]] static std::string_view reason(Drop why);

private:
    struct Client {
        Clock::time_point last_progress;
        Clock::duration held{};           // input kept paused by it, this episode
        std::size_t last_queue = 0;       // the sample at the last look
        std::size_t last_unacknowledged = 0;
        bool sampled = false;             // the two above are set
        bool holding = false;             // in an episode: its queue alone keeps input paused
    };
    [[nodiscard]] bool draining(const Client& client, Clock::time_point now) const {
        return now - client.last_progress < limits_.draining_window;
    }

    Limits limits_;
    std::unordered_map<std::uint64_t, Client> clients_;
    Clock::time_point last_evaluated_{};
    bool paused_ = false;
};

}  // namespace natter
