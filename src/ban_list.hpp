// The bans in force, in memory, so that a connect or a login is checked
// without touching the disk. The AccountStore keeps them across restarts;
// this list is loaded from it at start and changed alongside it. Knows
// nothing of sessions or SQLite; the time is always passed in (Unix seconds,
// since bans outlive the process).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "src/account_store.hpp"

namespace natter {

class BanList {
public:
    void replace_all(std::vector<Ban> bans) { bans_ = std::move(bans); }
    // Adds `ban`, replacing one on the same target (case-insensitively).
    void put(Ban ban);
    // False if the target was not banned.
    bool remove(std::string_view target);

    // The ban in force on a name or an address at `now`, or nullptr.
    [[nodiscard]] const Ban* on_name(std::string_view name, std::int64_t now) const;
    [[nodiscard]] const Ban* on_address(std::string_view address, std::int64_t now) const;

    [[nodiscard]] const std::vector<Ban>& all() const { return bans_; }

private:
    [[nodiscard]] const Ban* find(std::string_view target, bool is_address, std::int64_t now) const;

    std::vector<Ban> bans_;  // in the order given; few, so a scan is fine
};

// True if `target` of a ban command means an address: names never contain
// '.' or ':', IPv4 and IPv6 addresses always do.
[[nodiscard]] bool looks_like_address(std::string_view target);

}  // namespace natter
