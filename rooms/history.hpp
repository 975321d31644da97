// A room's recent messages (says and emotes) in a bounded ring, oldest
// first, each with the wall-clock time it was said, who said it and what,
// so each reader sees it rendered for their own client. Knows nothing of
// sessions or rooms; the room records and `history` reads.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "src/event.hpp"

namespace natter {

class History {
public:
    using WallClock = std::chrono::system_clock;

    struct Entry {
        WallClock::time_point when;
        EventKind kind;       // say or emote
        std::string speaker;  // the name as it was shown
        std::string text;     // what was said or done
    };

    explicit History(std::size_t capacity) : capacity_{capacity} {}

    // Keeps the newest `capacity` entries (a reload may change the limit).
    void set_capacity(std::size_t capacity);
    [[nodiscard]] std::size_t capacity() const { return capacity_; }

    // Adds an entry; once full, the oldest is overwritten. A capacity of 0
    // keeps nothing.
    void add(Entry entry);

    [[nodiscard]] std::size_t size() const { return entries_.size(); }
    [[nodiscard]] bool empty() const { return entries_.empty(); }
    // The i-th entry, 0 being the oldest kept.
    [[nodiscard]] const Entry& operator[](std::size_t i) const;

private:
    std::size_t capacity_;
    std::vector<Entry> entries_;  // grows to capacity_, then wraps
    std::size_t oldest_ = 0;      // index of the oldest entry once wrapped
};

// "HH:MM" of `when` in UTC: the same for every user, whatever the server's zone.
[[nodiscard]] std::string clock_time(History::WallClock::time_point when);

}  // namespace natter
