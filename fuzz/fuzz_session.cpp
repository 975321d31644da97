// Fuzz target for whole sessions: one World with a small configuration and
// three connection slots, driven by a little program decoded from the input.
// Each step is one byte `c`: the low three bits pick the operation, the rest
// (c >> 3) the slot (mod 3) and, for operation 7, a variant:
//   0-3  receive: a length byte, then that many bytes for the slot's session
//        (a new connection is opened in an empty slot first)
//   4    receive a lot: two length bytes (big-endian), then that many bytes,
//        as one read (telnet storms, bursts of lines)
//   5    the network layer's turn: finish background work, settle, flush
//        (check and clear) every pending outbox, close the sessions that are
//        done
//   6    the slot's connection drops: its session is destroyed
//   7    variant (c >> 3) / 3 % 5: disconnect the slot's session; advance the
//        clock by a byte's worth of seconds, fire due timers and enforce
//        timeouts; server echo on; server echo off; shut the server down
//        (the program ends)
//
// After every step: every user is found by name and sits in a chat room;
// every session is in exactly one room's member list, the one it names; a
// closing session is in the LogoutRoom; no outbox passes its limit. Every
// flushed outbox is well-formed (fuzz_checks.hpp); after a network turn no
// created room is left empty. Sessions end before the World, as the network
// layer guarantees. No account store is opened: everyone is a guest.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "fuzz/fuzz_checks.hpp"
#include "rooms/room.hpp"
#include "src/background.hpp"
#include "src/config.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::fuzz {
namespace {

constexpr std::size_t slot_count = 3;

// Small limits, so that overlong lines, full outboxes and crowded rooms are
// a few bytes away.
Config fuzz_config() {
    Config config;
    config.server.name = "fuzz";
    config.server.motd = {"Be nice."};
    config.limits.line_max_bytes = 48;
    config.limits.output_buffer_bytes = 1024;
    config.limits.login_timeout_s = 30;
    config.limits.idle_timeout_s = 120;
    config.limits.auto_away_s = 60;  // before the idle timeout, so both are reachable
    config.limits.flood_burst = 6;
    config.limits.flood_per_second = 2;
    config.rooms.permanent = {"lobby", "den"};
    config.rooms.history_lines = 3;
    config.rooms.announce_max_members = 2;
    return config;
}

// The network layer's Background without threads: work and its completion
// run at the next network turn, timers when the fake clock passes them.
// Whatever is still pending when the program ends is dropped, as when the
// server stops.
class FuzzBackground final : public Background {
public:
    using Clock = World::Clock;

    explicit FuzzBackground(const Clock::time_point& now) : now_{now} {}

    void run(std::function<void()> work, std::function<void()> done) override {
        jobs_.emplace_back(std::move(work), std::move(done));
    }
    void after(std::chrono::milliseconds delay, std::function<void()> done) override {
        timers_.emplace(now_ + delay, std::move(done));
    }

    void run_jobs() {
        auto jobs = std::move(jobs_);
        jobs_.clear();
        for (auto& [work, done] : jobs) {
            work();
            done();
        }
    }
    void run_due_timers() {
        while (!timers_.empty() && timers_.begin()->first <= now_) {
            auto done = std::move(timers_.begin()->second);
            timers_.erase(timers_.begin());
            done();
        }
    }

private:
    const Clock::time_point& now_;
    std::vector<std::pair<std::function<void()>, std::function<void()>>> jobs_;
    std::multimap<Clock::time_point, std::function<void()>> timers_;
};

class Harness {
public:
    Harness() : background_{now_}, world_{fuzz_config()} {
        world_.set_clock([this] { return now_; });
        world_.set_wall_clock([] { return World::WallClock::time_point{} + std::chrono::hours{24 * 365 * 50}; });
        world_.set_background(&background_);
    }
    ~Harness() {
        // The network layer's last turn, then every connection closes.
        network_turn();
        for (auto& slot : slots_) slot.reset();
        world_.settle();
        check(world_.sessions().empty(), "sessions left after every connection closed");
        check(world_.users().empty(), "users left after every connection closed");
    }
    Harness(const Harness&) = delete;
    Harness& operator=(const Harness&) = delete;

    void run(std::string_view program) {
        std::size_t pc = 0;
        const auto next_byte = [&]() -> std::uint8_t {
            return pc < program.size() ? static_cast<std::uint8_t>(program[pc++]) : 0;
        };
        while (pc < program.size()) {
            const auto c = next_byte();
            const unsigned operation = c & 7U;
            const unsigned arg = c >> 3U;
            auto& slot = slots_[arg % slot_count];
            if (operation <= 4) {
                std::size_t length = next_byte();
                if (operation == 4) length = length << 8U | next_byte();
                length = std::min<std::size_t>(length, program.size() - pc);
                if (!slot) open(slot, arg % slot_count);
                slot->receive(program.substr(pc, length));
                pc += length;
            } else if (operation == 5) {
                network_turn();
            } else if (operation == 6) {
                slot.reset();
            } else {
                switch (arg / slot_count % 5) {
                case 0:
                    if (slot) slot->disconnect("fuzz disconnect");
                    break;
                case 1:
                    now_ += std::chrono::seconds{next_byte()};
                    background_.run_due_timers();
                    world_.enforce_timeouts();
                    break;
                case 2:
                    if (slot) slot->set_server_echo(true);
                    break;
                case 3:
                    if (slot) slot->set_server_echo(false);
                    break;
                default:
                    world_.shutdown("The server is going down.");
                    check_world();
                    return;
                }
            }
            check_world();
        }
    }

private:
    void open(std::unique_ptr<Session>& slot, std::size_t index) {
        slot = std::make_unique<Session>(world_, "192.0.2." + std::to_string(index + 1));
        slot->start();
    }

    // What src/net does once per loop iteration: settle, flush every pending
    // session (here: check its bytes and drop them), close finished ones.
    void network_turn() {
        background_.run_jobs();
        world_.settle();
        world_.flush_pending([](Session& session) {
            if (!is_valid_output(session.outbox())) print_bytes("outbox", session.outbox());
            check(is_valid_output(session.outbox()), "malformed output bytes");
            session.outbox().clear();
        });
        for (auto& slot : slots_) {
            if (slot && slot->closing()) slot.reset();
        }
        world_.settle();
        for (const auto& room : world_.chat_rooms()) {
            check(world_.is_permanent(*room) || !room->members().empty(), "an empty created room outlived settle()");
        }
        check_world();
    }

    [[nodiscard]] bool is_live(const Session* session) const {
        return std::any_of(slots_.begin(), slots_.end(), [&](const auto& slot) { return slot.get() == session; });
    }

    void check_world() {
        std::size_t live = 0;
        for (const auto& slot : slots_) live += slot ? 1 : 0;
        check(world_.sessions().size() == live, "World::sessions() disagrees with the open connections");

        for (auto* session : world_.sessions()) {
            check(is_live(session), "World::sessions() holds a closed connection");
            const auto* room = session->room();
            check(room != nullptr, "a started session is in no room");
            check(std::count(room->members().begin(), room->members().end(), session) == 1,
                  "a session is not exactly once in its room's members");
            check(!session->closing() || room == &world_.logout_room(), "a closing session is outside the LogoutRoom");
            if (room->kind() == RoomKind::chat) {
                check(world_.find_user(session->name()) == session, "a session in a chat room is not a user");
            } else {
                check(world_.find_user(session->name()) != session, "a user outside the chat rooms");
            }
            check(session->outbox().size() <= world_.config().limits.output_buffer_bytes, "outbox over its limit");
        }

        for (const auto* user : world_.users()) {
            check(is_live(user), "World::users() holds a closed connection");
            check(world_.find_user(user->name()) == user, "a user is not found by name");
            check(std::count(world_.users().begin(), world_.users().end(), user) == 1, "a user is listed twice");
        }

        check_members(world_.login_room());
        check_members(world_.logout_room());
        for (const auto& name : world_.config().rooms.permanent) {
            check(world_.find_room(name) != nullptr, "a permanent room is missing");
        }
        for (const auto& room : world_.chat_rooms()) {
            check(world_.find_room(room->name()) == room.get(), "a chat room is not found by its name");
            check_members(*room);
        }
        for (const auto& slot : slots_) {
            if (slot) check_members(*slot->room());
        }
    }

    void check_members(const Room& room) const {
        for (const auto* member : room.members()) {
            check(is_live(member), "a room holds a closed connection");
            check(member->room() == &room, "a room member says it is elsewhere");
        }
    }

    World::Clock::time_point now_ = World::Clock::time_point{} + std::chrono::hours{1};
    FuzzBackground background_;  // outlives the world, which points to it
    World world_;
    // Declared after the world: connections end before it.
    std::array<std::unique_ptr<Session>, slot_count> slots_;
};

}  // namespace
}  // namespace natter::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    natter::fuzz::Harness harness;
    harness.run({reinterpret_cast<const char*>(data), size});
    return 0;
}
