// What the cluster needs of Redis: commands with replies, and channels
// with messages, on one link that is either up or down. The core programs
// against this interface, so that it never touches a socket; src/net's
// RedisLink implements it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "src/redis_value.hpp"
#include <tl/expected.hpp>

namespace natter {

class ClusterLink {
public:
    class Listener {
    public:
        // Both connections are established and every channel in the
        // subscription set is subscribed again.
        virtual void link_up() = 0;
        // Either connection was lost or stopped answering; commands in flight
        // have failed (their callbacks ran before this).
        virtual void link_down() = 0;
        virtual void message(std::string_view channel, std::string_view payload) = 0;

    protected:
        ~Listener() = default;
    };

    // The reply, or why there is none (the link is down, or went down while
    // the command was in flight).
    using Reply = tl::expected<RedisValue, std::string>;
    using Done = std::function<void(Reply)>;

    virtual ~ClusterLink() = default;
    virtual void set_listener(Listener* listener) = 0;
    virtual bool up() const = 0;
    // Sends one command; `done` runs exactly once, on the loop, never from
    // inside this call (a down link fails it on the next turn of the loop).
    // `argv` is copied out before this returns.
    virtual void command(const std::vector<std::string>& argv, Done done) = 0;
    // The subscription set: kept across reconnects. Idempotent.
    virtual void subscribe(const std::string& channel) = 0;
    virtual void unsubscribe(const std::string& channel) = 0;
};

}  // namespace natter
