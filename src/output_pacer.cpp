#include "src/output_pacer.hpp"

#include <algorithm>

namespace natter {

OutputPacer::Limits OutputPacer::limits_for(std::size_t output_buffer_bytes, std::chrono::seconds stall_timeout) {
    Limits limits;
    limits.client_high = output_buffer_bytes / 2;
    limits.client_low = output_buffer_bytes / 4;
    limits.stall_timeout = stall_timeout;
    return limits;
}

void OutputPacer::on_backlog(std::uint64_t id, bool took, Clock::time_point now) {
    auto [it, inserted] = clients_.try_emplace(id);
    auto& client = it->second;
    // A client seen for the first time was caught up until now.
    if (inserted || took) client.last_progress = now;
    client.sampled = false;  // a new write: the next look sets the baseline
}

void OutputPacer::on_progress(std::uint64_t id, Clock::time_point now) {
    const auto it = clients_.find(id);
    if (it == clients_.end()) return;
    it->second.last_progress = now;
    it->second.sampled = false;
}

void OutputPacer::on_growth(std::uint64_t id, Clock::time_point now) {
    auto [it, inserted] = clients_.try_emplace(id);
    auto& client = it->second;
    if (inserted) client.last_progress = now;
    if (!draining(client, now)) return;  // it stopped reading: the output limit deals with it
    paused_ = true;
    client.holding = true;
}

std::vector<OutputPacer::Doomed> OutputPacer::evaluate(Clock::time_point now,
                                                       const std::function<Sample(std::uint64_t)>& sample) {
    std::vector<Doomed> doomed;
    std::size_t total = 0;
    bool held = false;
    // How long input was held since the last look; a long gap (the first
    // look, or a loop that slept) counts as one short step.
    const auto step = std::min<Clock::duration>(now - last_evaluated_, limits_.draining_window / 4);
    last_evaluated_ = now;
    for (auto it = clients_.begin(); it != clients_.end();) {
        const auto id = it->first;
        auto& client = it->second;
        const auto s = sample(id);
        if (s.gone) {
            it = clients_.erase(it);
            continue;
        }
        if (client.sampled && (s.in_loop_queue < client.last_queue || s.unacknowledged < client.last_unacknowledged)) {
            client.last_progress = now;
        }
        client.last_queue = s.in_loop_queue;
        client.last_unacknowledged = s.unacknowledged;
        client.sampled = true;
        if (s.pending == 0) {
            it = clients_.erase(it);  // caught up
            continue;
        }
        if (now - client.last_progress >= limits_.stall_timeout) {
            doomed.push_back({id, Drop::stalled});
            it = clients_.erase(it);
            continue;
        }
        if (s.pending <= (client.holding ? limits_.client_low : limits_.client_high)) {
            client.holding = false;  // caught up enough: the episode is over
            client.held = {};
            if (draining(client, now)) total += s.pending;
            ++it;
            continue;
        }
        // Over its mark. Not reading just now: it never holds input back,
        // but its episode goes on if it drains again.
        client.holding = true;
        if (!draining(client, now)) {
            ++it;
            continue;
        }
        total += s.pending;
        if (paused_) client.held += step;
        if (client.held >= limits_.stall_timeout) {
            doomed.push_back({id, Drop::too_slow});
            it = clients_.erase(it);
            continue;
        }
        held = true;
        ++it;
    }
    paused_ = held || total > (paused_ ? limits_.total_low : limits_.total_high);
    return doomed;
}

std::string_view OutputPacer::reason(Drop why) {
    switch (why) {
    case Drop::stalled:
        return "stalled: took no output";
    case Drop::too_slow:
        return "too slow: kept everyone's input waiting";
    }
    return "?";
}

}  // namespace natter
