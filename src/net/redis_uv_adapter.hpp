// Runs a hiredis async context on a libuv loop: one uv_poll_t on its socket,
// started and stopped as hiredis asks for reads and writes.
//
// Not hiredis/adapters/libuv.h: that one drops poll errors (status < 0), and
// libuv stops a poll after reporting one, so a peer that died with an error
// pending on the socket would never be noticed. Here an error counts as
// readable, so hiredis reads, sees the failure and disconnects.
#pragma once

#include <uv.h>

struct redisAsyncContext;

namespace natter::net {

// Called from the poll handle's close callback, once the handle is gone
// from the loop (hiredis freed the context some time before).
using RedisUvClosed = void (*)(void* data);

// Attaches `context` (connect already started, no error) to `loop`. Returns
// false if the poll handle cannot be made; the context is then untouched
// and the caller frees it. `closed` (may be null) runs once the handle is
// closed, after hiredis let the context go.
[[nodiscard]] bool attach_redis_to_uv(redisAsyncContext* context, uv_loop_t* loop, RedisUvClosed closed,
                                      void* closed_data);

}  // namespace natter::net
