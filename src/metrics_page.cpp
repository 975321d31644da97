#include "src/metrics_page.hpp"

#include <deque>
#include <iterator>

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

namespace natter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

class Families {
public:
    MetricFamily& add(std::string name, std::string help, MetricType type) {
        return families_.emplace_back(MetricFamily{std::move(name), std::move(help), type, {}});
    }
    void counter(std::string name, std::string help, std::uint64_t value) {
        add(std::move(name), std::move(help), MetricType::Counter).metric.push_back(counter_value(value, {}));
    }
    void gauge(std::string name, std::string help, std::uint64_t value) {
        add(std::move(name), std::move(help), MetricType::Gauge).metric.push_back(gauge_value(value, {}));
    }
    void histogram(std::string name, std::string help, const Histogram* histogram) {
        if (histogram == nullptr) return;
        ClientMetric metric;
        auto& out = metric.histogram;
        out.sample_sum = histogram->sum();
        // Prometheus buckets are cumulative; the serializer adds +Inf.
        std::uint64_t below = 0;
        const auto counts = histogram->counts();
        const auto bounds = histogram->bounds();
        for (std::size_t i = 0; i < bounds.size(); ++i) {
            below += counts[i];
            out.bucket.push_back({.cumulative_count = below, .upper_bound = bounds[i]});
        }
        out.sample_count = below + counts.back();
        add(std::move(name), std::move(help), MetricType::Histogram).metric.push_back(std::move(metric));
    }

    static ClientMetric counter_value(std::uint64_t value, std::vector<ClientMetric::Label> labels) {
        ClientMetric metric;
        metric.label = std::move(labels);
        metric.counter.value = static_cast<double>(value);
        return metric;
    }
    static ClientMetric gauge_value(std::uint64_t value, std::vector<ClientMetric::Label> labels) {
        ClientMetric metric;
        metric.label = std::move(labels);
        metric.gauge.value = static_cast<double>(value);
        return metric;
    }

    [[nodiscard]] std::string text() {
        return prometheus::TextSerializer{}.Serialize(
            std::vector<MetricFamily>{std::make_move_iterator(families_.begin()), std::make_move_iterator(families_.end())});
    }

private:
    // A deque, so a family being filled stays put while others are added.
    std::deque<MetricFamily> families_;
};

}  // namespace

std::string render_metrics(const MetricsScrape& scrape) {
    Families out;
    const auto& counters = scrape.counters;

    auto& build = out.add("natter_build_info", "The natterd version and the git revision it was built from.",
                          MetricType::Gauge);
    build.metric.push_back(Families::gauge_value(
        1, {{"version", std::string{scrape.version}}, {"revision", std::string{scrape.revision}}}));

    auto& open = out.add("natter_connections_open", "Connections open now, by listener kind and TLS.",
                         MetricType::Gauge);
    auto& accepted = out.add("natter_connections_accepted_total",
                             "Connections accepted since start, by listener kind and TLS.", MetricType::Counter);
    for (const auto& listener : scrape.listeners) {
        const std::vector<ClientMetric::Label> labels{{"listener", std::string{listener_kind_name(listener.kind)}},
                                                      {"tls", listener.tls ? "true" : "false"}};
        open.metric.push_back(Families::gauge_value(listener.open, labels));
        accepted.metric.push_back(Families::counter_value(listener.accepted, labels));
    }

    out.gauge("natter_users", "Users logged in now.", scrape.users);
    out.gauge("natter_rooms", "Chat rooms now, permanent and created.", scrape.rooms);
    out.counter("natter_logins_total", "Logins into the chat (guests, accounts and new registrations).",
                counters.logins);
    out.counter("natter_failed_logins_total", "Logins refused for a wrong password.", counters.failed_logins);

    auto& lines = out.add("natter_lines_in_total",
                          "Command lines typed, by the command they ran (\"unknown\": none matched).",
                          MetricType::Counter);
    for (const auto& [command, count] : scrape.lines_in) {
        lines.metric.push_back(Families::counter_value(count, {{"command", std::string{command}}}));
    }
    out.counter("natter_flood_dropped_lines_total", "Lines dropped by flood control.", counters.flood_dropped_lines);

    out.counter("natter_deliveries_total", "Events and lines put in sessions' output, one per receiver.",
                counters.deliveries);
    out.counter("natter_bytes_out_total", "Bytes the kernel took from natterd's sockets (after MCCP and TLS).",
                counters.bytes_out);
    out.gauge("natter_output_queued_bytes", "Output waiting in sessions' buffers now, not yet taken by the kernel.",
              scrape.output_queued_bytes);

    auto& disconnects = out.add("natter_disconnects_total", "Sessions ended, by reason.", MetricType::Counter);
    for (std::size_t kind = 0; kind < disconnect_kind_count; ++kind) {
        disconnects.metric.push_back(Families::counter_value(
            counters.disconnects[kind],
            {{"reason", std::string{disconnect_kind_name(static_cast<DisconnectKind>(kind))}}}));
    }

    out.gauge("natter_password_hashes_running", "Password hashes being computed now.", scrape.hashes_running);
    out.gauge("natter_password_hashes_waiting", "Password hashes waiting for a worker ([accounts] hashing_queue).",
              scrape.hashes_waiting);
    out.histogram("natter_password_hashing_seconds",
                  "Time from a password check or hash being asked for to its answer, waiting included.",
                  scrape.hashing_seconds);
    out.histogram("natter_loop_iteration_seconds",
                  "Busy time of one event loop iteration: from waking up to waiting again, the flush included.",
                  scrape.loop_seconds);

    out.gauge("natter_process_resident_memory_bytes", "Resident memory of natterd.", scrape.resident_bytes);
    out.gauge("natter_process_open_fds", "Open file descriptors of natterd.", scrape.open_descriptors);
    return out.text();
}

}  // namespace natter
