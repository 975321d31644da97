// bench/proc_stats.cpp — /proc parsing for ProcStats.
#include "bench/proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace natter::bench {

std::optional<double> process_cpu_seconds(int pid) {
    if (pid <= 0) {
        return std::nullopt;
    }
    std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
    std::string all;
    if (!std::getline(in, all)) {
        return std::nullopt;
    }
    // The command name (field 2) may hold spaces and parentheses; the
    // numeric fields start after its last ')'.
    const auto close = all.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields{all.substr(close + 1)};
    std::string skip;
    // After ')' come fields 3 (state) .. 13; utime and stime are 14 and 15.
    for (int i = 3; i <= 13; ++i) {
        fields >> skip;
    }
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    if (!(fields >> utime >> stime)) {
        return std::nullopt;
    }
    const long ticks = sysconf(_SC_CLK_TCK);
    return static_cast<double>(utime + stime) / static_cast<double>(ticks > 0 ? ticks : 100);
}

std::optional<std::uint64_t> process_cpu_ns(int pid) {
    if (pid <= 0) {
        return std::nullopt;
    }
    std::error_code error;
    std::filesystem::directory_iterator tasks{"/proc/" + std::to_string(pid) + "/task", error};
    if (error) {
        return std::nullopt;
    }
    std::uint64_t total = 0;
    bool any = false;
    for (const auto& task : tasks) {
        // "<ns on the CPU> <ns waiting to run> <timeslices>"
        std::ifstream in{task.path() / "schedstat"};
        std::uint64_t on_cpu = 0;
        if (in >> on_cpu) {
            total += on_cpu;
            any = true;
        }
    }
    return any ? std::optional<std::uint64_t>{total} : std::nullopt;
}

std::optional<std::uint64_t> process_rss_kib(int pid) {
    if (pid <= 0) {
        return std::nullopt;
    }
    std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("VmRSS:")) {
            std::istringstream value{line.substr(6)};
            std::uint64_t kib = 0;
            if (value >> kib) {
                return kib;
            }
        }
    }
    return std::nullopt;
}

namespace {

template <typename T>
std::optional<T> sum_over(const std::vector<int>& pids, std::optional<T> (*read)(int)) {
    if (pids.empty()) {
        return std::nullopt;
    }
    T total{};
    for (const int pid : pids) {
        const std::optional<T> one = read(pid);
        if (!one) {
            return std::nullopt;
        }
        total += *one;
    }
    return total;
}

}  // namespace

std::optional<double> process_cpu_seconds(const std::vector<int>& pids) {
    return sum_over<double>(pids, &process_cpu_seconds);
}

std::optional<std::uint64_t> process_cpu_ns(const std::vector<int>& pids) {
    return sum_over<std::uint64_t>(pids, &process_cpu_ns);
}

std::optional<std::uint64_t> process_rss_kib(const std::vector<int>& pids) {
    return sum_over<std::uint64_t>(pids, &process_rss_kib);
}

double self_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto secs = [](const timeval& tv) {
        return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    return secs(usage.ru_utime) + secs(usage.ru_stime);
}

}  // namespace natter::bench
