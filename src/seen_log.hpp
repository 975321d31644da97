// When each name was last here in this run of the server, guests' names
// too: the `seen` command's memory of people who have left. Bounded: past
// its capacity the name that left longest ago is forgotten. Pure; times
// are passed in.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace natter {

class SeenLog {
public:
    using WallClock = std::chrono::system_clock;

    struct Seen {
        std::string name;  // as it was spelled
        WallClock::time_point when;
    };

    explicit SeenLog(std::size_t capacity = 10000) : capacity_{capacity} {}

    // `name` left at `when` (a later leaving replaces an earlier one).
    void record(std::string_view name, WallClock::time_point when);
    // When `name` (any case) last left, or nullopt if not in this run.
    [[nodiscard]] std::optional<Seen> find(std::string_view name) const;
    [[nodiscard]] std::size_t size() const { return by_key_.size(); }
    // Every record, oldest first (for a hot restart; record() them back in order).
    template <class F>
    void for_each(F&& f) const {
        for (const auto& [key, seen] : order_) f(seen);
    }

private:
    std::size_t capacity_;
    std::list<std::pair<std::string, Seen>> order_;  // key and record, oldest first
    std::unordered_map<std::string, std::list<std::pair<std::string, Seen>>::iterator> by_key_;
};

}  // namespace natter
