// bench/scenario.cpp — the shared skeleton of every load scenario.
#include "bench/scenario.hpp"

#include "bench/clock.hpp"
#include "bench/node_list.hpp"
#include "bench/proc_stats.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <deque>
#include <exception>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace natter::bench {
namespace {

constexpr std::int64_t tick_ns = 50'000'000;
constexpr std::uint32_t losses_printed = 5;

PoolConfig make_pool_config(const RunOptions& options, bool join_room, std::uint32_t first_source) {
    PoolConfig config;
    config.server = make_address(options.host, options.port);
    if (options.ports.size() > 1) {
        for (const std::uint16_t port : options.ports) {
            config.servers.push_back(make_address(options.host, port));
        }
    }
    config.join_room = join_room;
    config.first_source = first_source;
    config.per_source = std::max<std::uint32_t>(options.per_source, 1);
    config.mix = options.mix;
    config.tls = options.tls;
    return config;
}

}  // namespace

sockaddr_in make_address(const std::string& host, std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
        throw std::invalid_argument{"not an IPv4 address: " + host};
    }
    // Loopback only: a load generator must never be pointed at someone else.
    if ((ntohl(addr.sin_addr.s_addr) >> 24) != 127) {
        throw std::invalid_argument{"refusing non-loopback address " + host + " (127.0.0.0/8 only)"};
    }
    return addr;
}

std::uint32_t first_source_address(const RunOptions& run) {
    in_addr addr{};
    const std::string base = run.source_base.empty() ? "127.0.0.2" : run.source_base;
    if (inet_pton(AF_INET, base.c_str(), &addr) != 1 || (ntohl(addr.s_addr) >> 24) != 127) {
        throw std::invalid_argument{"--source-base must be a 127.x.y.z address, got " + base};
    }
    return ntohl(addr.s_addr);
}

Scenario::Scenario(const RunOptions& options, std::string name, std::uint32_t capacity, bool join_room,
                   std::uint32_t first_source)
    : options_{options}, name_{std::move(name)}, dialect_{options.proto, options.room},
      pool_{dialect_, make_pool_config(options, join_room, first_source), *this, capacity},
      started_ns_{now_ns()}, deadline_ns_{started_ns_ + seconds_to_ns(options.timeout_s)},
      was_ready_(capacity, 0) {}

int Scenario::run() {
    std::string status = "ok";
    std::string error;
    try {
        execute();
    } catch (const Timeout& timeout) {
        status = "timeout";
        phase_ = timeout.phase;
        std::cerr << "natter_loadgen: " << name_ << ": timed out after " << options_.timeout_s
                  << " s (--timeout) in phase '" << timeout.phase << "'; " << ready_ << " clients ready, "
                  << lost_ << " lost; client phases: " << phase_census() << '\n';
    } catch (const std::exception& e) {
        status = "error";
        error = e.what();
        std::cerr << "natter_loadgen: " << name_ << ": " << e.what() << '\n';
    }
    Report report;
    report.set("scenario", name_);
    report.set("target", report_label());
    report.set("proto", name_of(dialect_.proto()));
    report.set("status", status);
    const std::string human = describe(report);
    if (status == "ok" && (failed() || lost_after_ready_ > 0)) {
        status = "degraded";
        report.set("status", status);
    }
    if (status == "timeout") {
        report.set("phase", phase_);
    }
    report.set("conns_lost", lost_);
    report.set("conns_lost_after_ready", lost_after_ready_);
    if (!first_loss_.empty()) {
        report.set("first_loss", first_loss_.substr(0, 160));
    }
    if (!error.empty()) {
        report.set("error", error.substr(0, 160));
    }
    report.set("clients_as", name_of(options_.mix));
    if (options_.mix != ClientMix::plain) {
        // Evidence that the clients got what they asked for, and what it cost.
        const WireCounts& wire = pool_.wire_counts();
        report.set("telnet_negotiations", wire.telnet.negotiations);
        report.set("gmcp_msgs", wire.telnet.gmcp_messages);
        report.set("coloured_lines", pool_.coloured_lines());
        report.set("mccp_streams", wire.mccp_started);
        report.set("mccp_ended", wire.mccp_ended);
        if (wire.compressed_bytes > 0) {
            report.set("inflated_mib", static_cast<double>(wire.inflated_bytes) / (1 << 20), 1);
            report.set("compression_ratio",
                       static_cast<double>(wire.inflated_bytes) / static_cast<double>(wire.compressed_bytes), 2);
        }
    }
    if (dialect_.is_web()) {
        // Every server message is one event; those without a `text` (room
        // state, who lists, the goodbye) are taken out before classifying.
        const WsCounts& ws = pool_.ws_counts();
        report.set("ws_messages", ws.messages);
        report.set("ws_without_text", ws.without_text);
        report.set("ws_pings", ws.pings);
    }
    report.set("tls", pool_.tls() ? "yes" : "no");
    if (pool_.tls()) {
        // Counted in the connect phase: TCP connected to handshake done.
        const TlsCounts& tls = pool_.tls_counts();
        report.set("tls_handshakes", tls.handshakes);
        if (!tls.version.empty()) {
            report.set("tls_version", tls.version);
            report.set("tls_cipher", tls.cipher);
        }
        if (tls.handshakes > 0) {
            report.set("tls_handshake_mean_ms",
                       ns_to_seconds(tls.handshake_ns) * 1000 / static_cast<double>(tls.handshakes), 3);
        }
    }
    if (options_.ports.size() > 1) {
        report.set("nodes", static_cast<std::uint64_t>(options_.ports.size()));
        if (settle_s_ >= 0) {
            report.set("settle_s", settle_s_, 3);
            report.set("settle_probes", probes_);
        }
    }
    if (options_.server_pids.size() > 1) {
        // Each node's own share, beside the sums the scenario reported.
        std::string per_node;
        for (const int pid : options_.server_pids) {
            const auto rss = process_rss_kib(pid);
            per_node += (per_node.empty() ? "" : ",") + (rss ? std::to_string(*rss) : std::string{"?"});
        }
        report.set("node_rss_kib", per_node);
    }
    report.set("rx_mib", static_cast<double>(pool_.rx_bytes()) / (1 << 20), 1);
    report.set("gen_cpu_s", self_cpu_seconds(), 2);
    report.set("wall_s", ns_to_seconds(now_ns() - started_ns_), 2);
    report.print(std::cout);
    std::cout << "# " << report_label() << ' ' << name_ << ": " << human << " [" << status << "]\n";
    std::cout.flush();
    pool_.close_all();
    if (status == "timeout") {
        return 2;
    }
    return status == "ok" ? 0 : 1;
}

std::string Scenario::phase_census() const {
    constexpr std::array<const char*, 8> names{"idle",       "connecting", "tls_handshake", "greeting",
                                               "logging_in", "joining",    "ready",         "closed"};
    std::array<std::uint32_t, names.size()> counts{};
    for (std::uint32_t id = 0; id < was_ready_.size(); ++id) {
        ++counts[static_cast<std::size_t>(pool_.at(id).phase)];
    }
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (counts[i] != 0) {
            out += std::string{out.empty() ? "" : " "} + names[i] + "=" + std::to_string(counts[i]);
        }
    }
    return out;
}

std::string Scenario::report_label() const {
    return options_.label.empty() ? std::string{name_of(dialect_.proto())} : options_.label;
}

void Scenario::login_all(std::uint32_t first, std::uint32_t count, std::string_view prefix,
                         std::uint32_t max_failures) {
    const std::uint32_t end = first + count;
    std::uint32_t next = first;
    const std::uint32_t failures_at_start = lost_ - lost_after_ready_;
    const auto failures = [&] { return lost_ - lost_after_ready_ - failures_at_start; };
    const auto may_open = [&] { return next < end && (max_failures == 0 || failures() < max_failures); };
    // Ids in open order; the front is the oldest possibly still in handshake.
    std::deque<std::uint32_t> opened;
    const std::int64_t login_timeout = seconds_to_ns(options_.login_timeout_s);
    const auto top_up = [&](std::int64_t now) {
        // A connection the server never answers (e.g. its handshake lost to a
        // full listen backlog: the client sees it established, the server
        // never accepts it) must not stall the run: drop it after
        // --login-timeout. Once the server has said anything, a slow login
        // is the server being slow, which is measured, not dropped; the
        // overall --timeout still bounds it.
        while (!opened.empty()) {
            const std::uint32_t oldest = opened.front();
            const Connection& c = pool_.at(oldest);
            if (c.phase == Phase::ready || c.phase == Phase::closed || c.heard) {
                opened.pop_front();
            } else if (now - c.opened_ns > login_timeout) {
                opened.pop_front();
                std::ostringstream why;
                why << "no reply from the server within " << options_.login_timeout_s << " s";
                pool_.drop(oldest, why.str(), now);
            } else {
                break;
            }
        }
        const std::uint32_t inflight = std::max<std::uint32_t>(options_.inflight, 1);
        while (may_open() && handshaking_ < inflight) {
            const std::uint32_t id = next++;
            opened.push_back(id);
            // --names: several generators on one cluster need names of their own.
            std::string name{options_.name_prefix.empty() ? prefix : std::string_view{options_.name_prefix}};
            name += std::to_string(id);
            // Counted before open(): a failing open reports on_lost at once.
            ++handshaking_;
            (void)pool_.open(id, std::move(name), now);
        }
    };
    top_up(now_ns());
    wait_until([&] { return handshaking_ == 0 && !may_open(); }, "login", {}, top_up);
}

void Scenario::settle_nodes(std::uint32_t clients) {
    const std::size_t nodes = std::min<std::size_t>(options_.ports.size(), clients);
    if (nodes < 2) {
        return;
    }
    if (nodes > 64) {
        throw std::invalid_argument{"at most 64 nodes"};
    }
    const std::uint64_t all = nodes == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << nodes) - 1;
    heard_nodes_.assign(clients, 0);
    if (dialect_.is_irc()) {
        // IRC does not echo a client's own line: the first client on each
        // node hears its node only through the others.
        for (std::uint32_t id = 0; id < nodes; ++id) {
            heard_nodes_[id] = std::uint64_t{1} << node_of_client(id, nodes);
        }
    }
    const std::int64_t start = now_ns();
    constexpr std::int64_t resend_ns = 500'000'000;
    std::int64_t next_probe = start;
    std::uint32_t round = 0;
    const auto send_probes = [&](std::int64_t now) {
        if (now < next_probe) {
            return;
        }
        // Client `node` is the first on that node (round robin).
        for (std::uint32_t node = 0; node < nodes; ++node) {
            if (pool_.at(node).phase == Phase::ready) {
                dialect_.append_chat(pool_.outbox(node), probe_sender + node, round, now);
                pool_.mark_pending(node);
                ++probes_;
            }
        }
        pool_.flush_pending();
        ++round;
        next_probe = now + resend_ns;
    };
    send_probes(start);
    wait_until(
        [&] {
            for (std::uint32_t id = 0; id < clients; ++id) {
                if (pool_.at(id).phase == Phase::ready && heard_nodes_[id] != all) {
                    return false;
                }
            }
            return true;
        },
        "settle", [&] { return next_probe; }, send_probes);
    settle_s_ = ns_to_seconds(now_ns() - start);
}

bool Scenario::take_probe(std::uint32_t id, const Line& line) {
    // Only runs that settled send probes; other runs count every line as before.
    if (heard_nodes_.empty() || line.kind != LineKind::chat || line.sender < probe_sender) {
        return false;
    }
    const std::uint32_t node = line.sender - probe_sender;
    if (id < heard_nodes_.size() && node < 64) {
        heard_nodes_[id] |= std::uint64_t{1} << node;
    }
    return true;
}

void Scenario::wait_until(const std::function<bool()>& done, std::string_view phase,
                          const std::function<std::int64_t()>& wake,
                          const std::function<void(std::int64_t)>& tick) {
    phase_ = phase;
    while (!done()) {
        const std::int64_t now = now_ns();
        if (now >= deadline_ns_) {
            throw Timeout{std::string{phase}};
        }
        std::int64_t until = std::min(now + tick_ns, deadline_ns_);
        if (wake) {
            until = std::min(until, wake());
        }
        pool_.poll(until);
        if (tick) {
            tick(now_ns());
        }
    }
}

void Scenario::drain(const std::function<std::uint64_t()>& progress, const std::function<bool()>& complete,
                     std::string_view phase) {
    std::uint64_t last = progress();
    std::int64_t last_change = now_ns();
    const std::int64_t quiet = seconds_to_ns(options_.drain_s);
    wait_until(
        [&] {
            if (complete()) {
                return true;
            }
            const std::uint64_t p = progress();
            const std::int64_t now = now_ns();
            if (p != last) {
                last = p;
                last_change = now;
            }
            return now - last_change >= quiet;
        },
        phase);
}

void Scenario::on_ready(std::uint32_t id, std::int64_t now) {
    was_ready_[id] = 1;
    --handshaking_;
    ++ready_;
    client_ready(id, now);
}

void Scenario::on_lost(std::uint32_t id, std::string_view why, std::int64_t now) {
    ++lost_;
    if (was_ready_[id] != 0) {
        ++lost_after_ready_;
        --ready_;
    } else if (pool_.at(id).opened_ns != 0) {
        --handshaking_;
    }
    if (first_loss_.empty()) {
        first_loss_ = std::string{why};
    }
    if (lost_ <= losses_printed) {
        std::cerr << "natter_loadgen: client " << id << " (" << pool_.at(id).name << ") lost in phase '"
                  << phase_ << "': " << why << '\n';
    } else if (lost_ == losses_printed + 1) {
        std::cerr << "natter_loadgen: more clients lost; further losses not printed\n";
    }
    client_lost(id, now);
}

}  // namespace natter::bench
