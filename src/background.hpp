// Where slow work goes so the event loop never waits for it: password
// hashing and database writes run on a worker thread, and their results come
// back on the loop thread. The core sees only this interface; the network
// layer installs the libuv implementation, unit tests one they drain by hand.
#pragma once

#include <chrono>
#include <functional>

namespace natter {

class Background {
public:
    virtual ~Background() = default;

    // Runs `work` on a worker thread, then `done` on the loop thread. `work`
    // must touch nothing the loop thread uses (no Session, no World); `done`
    // may, but must find its session again by id: it may have gone.
    virtual void run(std::function<void()> work, std::function<void()> done) = 0;

    // Runs `done` on the loop thread once `delay` has passed (the growing
    // delay after a wrong password, the shutdown countdown). Pending waits are
    // dropped without running when the server stops.
    virtual void after(std::chrono::milliseconds delay, std::function<void()> done) = 0;
};

}  // namespace natter
