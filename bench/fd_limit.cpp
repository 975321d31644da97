// bench/fd_limit.cpp — setrlimit wrapper of fd_limit.hpp.
#include "bench/fd_limit.hpp"

#include <sys/resource.h>

namespace natter::bench {

std::uint64_t raise_fd_limit() {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
        return 0;
    }
    if (lim.rlim_cur != lim.rlim_max) {
        rlimit wanted = lim;
        wanted.rlim_cur = lim.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &wanted) == 0) {
            lim = wanted;
        }
    }
    return static_cast<std::uint64_t>(lim.rlim_cur);
}

}  // namespace natter::bench
