#include "src/net/process_stats.hpp"

#include <dirent.h>
#include <unistd.h>

#include <fstream>

namespace natter::net {

ProcessStats read_process_stats() {
    ProcessStats stats;
    if (std::ifstream statm{"/proc/self/statm"}) {
        std::uint64_t size = 0;
        std::uint64_t resident = 0;
        if (statm >> size >> resident) {
            stats.resident_bytes = resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
        }
    }
    if (DIR* fds = opendir("/proc/self/fd")) {
        std::uint64_t entries = 0;
        while (const dirent* entry = readdir(fds)) {
            if (entry->d_name[0] != '.') ++entries;
        }
        closedir(fds);
        // The directory being read is one of them.
        stats.open_descriptors = entries > 0 ? entries - 1 : 0;
    }
    return stats;
}

}  // namespace natter::net
