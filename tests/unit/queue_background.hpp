// A Background for unit tests: work and waits queue up until the test runs
// them, so a test decides exactly when "later" is and sees what is pending.
// Everything runs on the test's thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>

#include <stdlib.h>

#include "src/background.hpp"

namespace natter::test {

class QueueBackground final : public Background {
public:
    void run(std::function<void()> work, std::function<void()> done) override {
        jobs_.emplace_back(std::move(work), std::move(done));
    }
    void after(std::chrono::milliseconds delay, std::function<void()> done) override {
        waits_.emplace_back(delay, std::move(done));
    }

    [[nodiscard]] std::size_t jobs() const { return jobs_.size(); }
    // How many jobs' work has run so far.
    [[nodiscard]] std::size_t jobs_run() const { return jobs_run_; }
    [[nodiscard]] std::size_t waits() const { return waits_.size(); }
    [[nodiscard]] std::chrono::milliseconds next_delay() const { return waits_.front().first; }

    // Runs queued work (and what its completions queue) until none is left.
    void run_jobs() {
        for (int guard = 0; guard < 1000 && !jobs_.empty(); ++guard) {
            auto [work, done] = std::move(jobs_.front());
            jobs_.pop_front();
            ++jobs_run_;
            work();
            done();
        }
    }
    // Lets every wait end, in order.
    void fire_waits() {
        for (int guard = 0; guard < 1000 && !waits_.empty(); ++guard) {
            auto done = std::move(waits_.front().second);
            waits_.pop_front();
            done();
        }
    }
    // Both, until nothing is pending.
    void drain() {
        for (int guard = 0; guard < 100 && (!jobs_.empty() || !waits_.empty()); ++guard) {
            run_jobs();
            fire_waits();
        }
    }

private:
    std::deque<std::pair<std::function<void()>, std::function<void()>>> jobs_;
    std::deque<std::pair<std::chrono::milliseconds, std::function<void()>>> waits_;
    std::size_t jobs_run_ = 0;
};

// A fresh directory for one test's database, removed afterwards.
class ScratchDir {
public:
    ScratchDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "natter-unit-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    [[nodiscard]] std::string file(std::string_view name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

}  // namespace natter::test
