// What the core contributes to a /metrics scrape: the World's counters, the
// lines typed per command, users, rooms, output waiting and the password
// hashing queue, gathered when scraped. The network layer adds its own
// (connections, the loop, the process) and renders.
#pragma once

#include "src/metrics_page.hpp"
#include "src/world.hpp"

namespace natter {

// The scrape's core part; the Histogram pointers in it point into `world`
// and stay good while it lives.
[[nodiscard]] MetricsScrape scrape_world(const World& world);

}  // namespace natter
