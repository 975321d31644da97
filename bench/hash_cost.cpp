// bench/hash_cost.cpp — what one password hash costs natterd, measured with
// natterd's own hash_password/verify_password (argon2id at libsodium's
// interactive limits): the time of one hash, the memory it holds while it
// runs, and the throughput and peak memory of --threads hashes running at
// once, as HashingQueue runs them. Run it once per thread count: the peak
// (VmHWM) is the process's own, so each run starts from a clean slate.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "src/password.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"), 0 if absent.
std::uint64_t status_kib(const std::string& field) {
    std::ifstream in{"/proc/self/status"};
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
    }
    return 0;
}

// User + system CPU time of the process so far: unlike the wall clock, not
// stretched when other programs share the CPUs.
double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"natter_hash_cost: time, memory and throughput of natterd's password hashing"};
    unsigned threads = 1;
    unsigned hashes = 40;
    app.add_option("--threads", threads, "hashes running at once")->capture_default_str()->check(CLI::Range(1U, 64U));
    app.add_option("--hashes", hashes, "hashes in all")->capture_default_str()->check(CLI::Range(1U, 100000U));
    CLI11_PARSE(app, argc, argv);

    if (!natter::init_password_hashing()) return 1;
    // One hash first, so the heap and libsodium are warm before measuring.
    std::string warm = "warm-up password";
    const auto reference = natter::hash_password(warm);
    if (!reference) return 1;
    const auto baseline_kib = status_kib("VmRSS");

    std::atomic<unsigned> next{0};
    std::atomic<bool> failed{false};
    std::vector<double> one_hash;  // seconds, per hash, of thread 0
    const auto start = Clock::now();
    const double cpu_start = cpu_seconds();
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            while (next.fetch_add(1) < hashes) {
                const auto began = Clock::now();
                // A login checks (verify); register and password hash. Both
                // run argon2id once at the same limits; alternate them.
                if (t % 2 == 0) {
                    std::string clear = "correct horse " + std::to_string(t);
                    if (!natter::hash_password(clear)) failed = true;
                } else {
                    std::string clear = "warm-up password";
                    if (!natter::verify_password(*reference, clear)) failed = true;
                }
                if (t == 0) one_hash.push_back(seconds_since(began));
            }
        });
    }
    for (auto& worker : workers) worker.join();
    const double elapsed = seconds_since(start);
    const double cpu_per_hash_ms = (cpu_seconds() - cpu_start) / hashes * 1e3;
    if (failed) {
        std::fprintf(stderr, "a hash failed (out of memory?)\n");
        return 1;
    }
    std::sort(one_hash.begin(), one_hash.end());
    const double median_ms = one_hash.empty() ? 0.0 : one_hash[one_hash.size() / 2] * 1e3;
    const auto peak_kib = status_kib("VmHWM");
    std::printf("threads %u, hashes %u: %.1f hashes/s, one hash %.1f ms (median of %zu), CPU %.1f ms per hash, "
                "RSS before %.1f MiB, peak %.1f MiB, peak over before %.1f MiB (%.1f MiB per thread); "
                "natterd counts %zu MiB per hash\n",
                threads, hashes, hashes / elapsed, median_ms, one_hash.size(), cpu_per_hash_ms, baseline_kib / 1024.0,
                peak_kib / 1024.0, (peak_kib - baseline_kib) / 1024.0, (peak_kib - baseline_kib) / 1024.0 / threads,
                natter::password_hash_memory() >> 20);
    return 0;
}
