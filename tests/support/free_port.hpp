// A TCP port on 127.0.0.1 that was free a moment ago, for servers that cannot
// bind port 0 and report it (the classic Python seed). Racy by nature: use it
// only for such servers.
#pragma once

#include <cstdint>

namespace natter::test {

// Binds 127.0.0.1:0, reads the port the kernel chose, closes. Throws
// std::runtime_error if no socket can be bound.
std::uint16_t free_port();

}  // namespace natter::test
