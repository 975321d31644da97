#include "src/net/redis_uv_adapter.hpp"

#include <hiredis/async.h>

namespace natter::net {
namespace {

// Owned by the context's event hooks until hiredis calls cleanup, then by
// the closing poll handle until its close callback.
struct Events {
    redisAsyncContext* context = nullptr;  // null once hiredis let go
    uv_poll_t poll{};
    int wanted = 0;  // UV_READABLE | UV_WRITABLE as hiredis asked
    RedisUvClosed closed = nullptr;
    void* closed_data = nullptr;
};

void apply(Events* events) {
    if (events->context == nullptr) return;
    if (events->wanted != 0) {
        uv_poll_start(&events->poll, events->wanted, [](uv_poll_t* handle, int status, int ready) {
            auto* self = static_cast<Events*>(handle->data);
            if (status < 0) {
                // libuv has stopped the poll. Let hiredis read: the read (or
                // the connect check) fails and hiredis disconnects.
                ready = UV_READABLE;
            }
            if (self->context != nullptr && (ready & UV_READABLE) != 0) redisAsyncHandleRead(self->context);
            if (self->context != nullptr && (ready & UV_WRITABLE) != 0) redisAsyncHandleWrite(self->context);
            // Still attached after an error: poll again as hiredis wants it
            // (the owner's watchdog ends a socket that keeps failing).
            if (status < 0) apply(self);
        });
    } else {
        uv_poll_stop(&events->poll);
    }
}

void add_read(void* data) {
    auto* events = static_cast<Events*>(data);
    events->wanted |= UV_READABLE;
    apply(events);
}

void del_read(void* data) {
    auto* events = static_cast<Events*>(data);
    events->wanted &= ~UV_READABLE;
    apply(events);
}

void add_write(void* data) {
    auto* events = static_cast<Events*>(data);
    events->wanted |= UV_WRITABLE;
    apply(events);
}

void del_write(void* data) {
    auto* events = static_cast<Events*>(data);
    events->wanted &= ~UV_WRITABLE;
    apply(events);
}

// hiredis calls this once, from inside its free, just before it closes the
// socket; uv_close stops the poll at once (so closing the descriptor next is
// safe) and the memory goes in the close callback, when libuv is done too.
void cleanup(void* data) {
    auto* events = static_cast<Events*>(data);
    if (events->context == nullptr) return;
    events->context->ev.data = nullptr;
    events->context = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&events->poll), [](uv_handle_t* handle) {
        auto* self = static_cast<Events*>(handle->data);
        const RedisUvClosed closed = self->closed;
        void* closed_data = self->closed_data;
        delete self;
        if (closed != nullptr) closed(closed_data);
    });
}

}  // namespace

bool attach_redis_to_uv(redisAsyncContext* context, uv_loop_t* loop, RedisUvClosed closed, void* closed_data) {
    if (context->ev.data != nullptr) return false;
    auto* events = new Events;
    if (uv_poll_init(loop, &events->poll, context->c.fd) != 0) {
        delete events;  // never started, nothing of libuv refers to it
        return false;
    }
    events->context = context;
    events->poll.data = events;
    events->closed = closed;
    events->closed_data = closed_data;
    context->ev.data = events;
    context->ev.addRead = add_read;
    context->ev.delRead = del_read;
    context->ev.addWrite = add_write;
    context->ev.delWrite = del_write;
    context->ev.cleanup = cleanup;
    return true;
}

}  // namespace natter::net
