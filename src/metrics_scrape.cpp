#include "src/metrics_scrape.hpp"

#include <algorithm>

#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/session.hpp"

namespace natter {

MetricsScrape scrape_world(const World& world) {
    MetricsScrape scrape;
    scrape.counters = world.metrics();
    const auto& specs = command_registry().all();
    for (const auto& spec : specs) {
        const auto& counts = scrape.counters.command_lines;
        scrape.lines_in.push_back({spec.name, spec.index < counts.size() ? counts[spec.index] : 0});
    }
    std::sort(scrape.lines_in.begin(), scrape.lines_in.end(),
              [](const auto& a, const auto& b) { return a.command < b.command; });
    scrape.lines_in.push_back({"unknown", scrape.counters.unknown_lines});
    scrape.users = world.users().size();
    scrape.rooms = world.chat_rooms().size();
    for (const auto* session : world.sessions()) scrape.output_queued_bytes += session->pending_output();
    const auto& hashing = world.accounts().hashing();
    scrape.hashes_running = hashing.running();
    scrape.hashes_waiting = hashing.waiting();
    scrape.hashing_seconds = &hashing.latency();
    return scrape;
}

}  // namespace natter
