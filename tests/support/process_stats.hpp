// What a test can read of a process from /proc (its memory and CPU time),
// and the descriptor limit a test that holds many sockets needs. Linux only.
#pragma once

#include <sys/types.h>

namespace natter::test {

// Resident memory of a process in KiB, or -1.
long rss_kib(pid_t pid);

// CPU time (user + system) a process has used, in clock ticks.
long cpu_ticks(pid_t pid);

// Lets this test process hold many sockets (up to the hard limit).
void raise_descriptor_limit();

}  // namespace natter::test
