// GET /metrics: what one scrape shows, and its rendering in the Prometheus
// text exposition format 0.0.4 (through prometheus-cpp's TextSerializer,
// which escapes labels and formats numbers). Runs only when scraped, so
// nothing here is on a hot path. Knows nothing of sockets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/config.hpp"
#include "src/histogram.hpp"
#include "src/metrics.hpp"

namespace natter {

struct MetricsScrape {
    struct Listener {
        ListenerKind kind = ListenerKind::telnet;
        bool tls = false;
        std::uint64_t open = 0;      // connections open now
        std::uint64_t accepted = 0;  // since start
    };
    struct CommandLines {
        std::string_view command;  // a registered verb, or "unknown"
        std::uint64_t lines = 0;
    };

    Metrics counters;
    std::vector<CommandLines> lines_in;  // every registered command, then "unknown"
    std::vector<Listener> listeners;     // one per (kind, tls) being listened on
    std::uint64_t users = 0;             // logged in now
    std::uint64_t rooms = 0;             // chat rooms now
    std::uint64_t output_queued_bytes = 0;
    std::uint64_t hashes_running = 0;
    std::uint64_t hashes_waiting = 0;
    const Histogram* hashing_seconds = nullptr;  // left out when null
    const Histogram* loop_seconds = nullptr;
    std::uint64_t resident_bytes = 0;
    std::uint64_t open_descriptors = 0;
    std::string_view version;
    std::string_view revision;
};

// The exposition text, one family after another, each with HELP and TYPE.
[[nodiscard]] std::string render_metrics(const MetricsScrape& scrape);

}  // namespace natter
