#include "src/cluster.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>

#include <fmt/format.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include "rooms/chat_room.hpp"
#include "src/accounts.hpp"
#include "src/cluster_scripts.hpp"
#include "src/names.hpp"
#include "src/send_off.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter {

namespace {

constexpr char field_separator = '\x1f';

std::int64_t unix_ms(std::chrono::system_clock::time_point when) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
}

std::chrono::system_clock::time_point from_unix_ms(std::int64_t ms) {
    return std::chrono::system_clock::time_point{std::chrono::milliseconds{ms}};
}

// "<node>\x1f<room>\x1f<name>\x1f<address>\x1f<via>" → its parts; false if malformed.
bool split_owner(std::string_view record, Cluster::RemoteUser& out) {
    std::string* const fields[] = {&out.node, &out.room, &out.name, &out.address, &out.via};
    std::size_t count = 0;
    for (auto* field : fields) {
        const auto end = record.find(field_separator);
        *field = std::string{record.substr(0, end)};
        ++count;
        if (end == std::string_view::npos) break;
        record.remove_prefix(end + 1);
    }
    return count >= 3 && !out.node.empty() && is_valid_name(out.name);
}

// How a session is connected, as operators see it: "telnet", "mud+tls"…
std::string via(const Session& session) {
    return std::string{listener_kind_name(session.listener_kind())} + (session.encrypted() ? "+tls" : "");
}

constexpr std::array<std::pair<AccountChange, std::string_view>, 4> account_changes{{
    {AccountChange::registered, "registered"},
    {AccountChange::requested, "requested"},
    {AccountChange::approved, "approved"},
    {AccountChange::removed, "removed"},
}};

EventKind event_kind(ClusterMessage::Kind kind) {
    return kind == ClusterMessage::Kind::emote ? EventKind::emote : EventKind::say;
}

}  // namespace

// One room's lines in Redis's order: the next sequence number this node
// shows, and lines that came early, until the gap before them is filled.
struct Cluster::Feed {
    std::string epoch;
    std::uint64_t next = 0;    // 0: not known yet (the baseline is asked for)
    bool baseline_known = false;
    bool baseline_asked = false;
    bool fetching = false;     // a gap is being read from the stream
    std::uint64_t stuck_at = 0;  // `next` at the last heartbeat while lines were held
    std::map<std::uint64_t, std::pair<std::string, ClusterMessage>> held;  // seq → (epoch, line)
};

Cluster::Cluster(World& world) : world_{world}, prefix_{world.config().cluster.prefix} {}

Cluster::~Cluster() {
    *alive_ = false;
    if (link_ != nullptr) link_->set_listener(nullptr);
}

void Cluster::attach(ClusterLink& link, std::string node) {
    link_ = &link;
    node_ = std::move(node);
    link_->subscribe(key("ctl"));
    link_->subscribe(node_channel(node_));
    link_->set_listener(this);
    if (link_->up()) link_up();
}

void Cluster::detach() {
    if (link_ == nullptr) return;
    if (link_->up()) {
        // A lease that ran out already: the next heartbeat anywhere reaps
        // this node and its users leave everywhere.
        link_->command({"ZADD", key("nodes"), "0", node_}, [](ClusterLink::Reply) {});
    }
    link_->set_listener(nullptr);
    link_ = nullptr;
    up_ = false;
}

std::string Cluster::key(std::string_view part) const { return prefix_ + ":" + std::string{part}; }
std::string Cluster::room_channel(std::string_view room_key) const { return key("room:" + std::string{room_key}); }
std::string Cluster::node_channel(std::string_view node) const { return key("node:" + std::string{node}); }

std::string Cluster::owner_record(const Session& session, std::string_view room, std::string_view name) const {
    std::string record = node_;
    const std::string how = via(session);  // outlives the views below
    for (const auto field : {room, name, std::string_view{session.address()}, std::string_view{how}}) {
        record += field_separator;
        record += field;
    }
    return record;
}

const std::string& Cluster::script_sha(std::string_view script) {
    auto [it, added] = script_shas_.try_emplace(script.data());
    if (added) {
        std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
        SHA1(reinterpret_cast<const unsigned char*>(script.data()), script.size(), digest.data());
        it->second.reserve(2 * digest.size());
        for (const auto byte : digest) fmt::format_to(std::back_inserter(it->second), "{:02x}", byte);
    }
    return it->second;
}

void Cluster::load_scripts() {
    for (const auto script : cluster_scripts::all) {
        link_->command({"SCRIPT", "LOAD", std::string{script}}, [](ClusterLink::Reply reply) {
            if (reply && reply->is_error()) spdlog::warn("cluster: loading a script failed: {}", reply->text);
        });
    }
}

void Cluster::eval(std::string_view script, std::vector<std::string> keys, std::vector<std::string> args,
                   ClusterLink::Done done) {
    // By its SHA-1: the script's text need not travel, nor be hashed by
    // Redis, with every line said.
    auto argv = std::make_shared<std::vector<std::string>>();
    argv->reserve(3 + keys.size() + args.size());
    argv->emplace_back("EVALSHA");
    argv->push_back(script_sha(script));
    argv->push_back(std::to_string(keys.size()));
    for (auto& k : keys) argv->push_back(std::move(k));
    for (auto& a : args) argv->push_back(std::move(a));
    link_->command(*argv, [this, alive = alive_, script, argv, done = std::move(done)](ClusterLink::Reply reply) {
        // A Redis that lost its scripts since they were loaded (SCRIPT
        // FLUSH, a fail-over) gets this one in full, which loads it again.
        if (*alive && link_ != nullptr && reply && reply->is_error() && reply->text.starts_with("NOSCRIPT")) {
            (*argv)[0] = "EVAL";
            (*argv)[1] = std::string{script};
            link_->command(*argv, done);
            return;
        }
        done(std::move(reply));
    });
}

void Cluster::tell_everyone(std::string_view line) {
    for (auto* user : world_.users()) {
        if (!user->closing()) user->send(line);
    }
}

// --- the link

void Cluster::link_up() {
    spdlog::info("cluster: connected to Redis, catching up (node {})", node_);
    load_scripts();  // first: the commands below are pipelined behind it
    syncing_ = true;
    held_ctl_.clear();
    tick();
    reassert();
    sync_presence();
    // Rooms people came back to in a hot restart (which puts them in their
    // rooms without entering them anew) are followed too.
    for (const auto& room : world_.chat_rooms()) {
        if (!room->members().empty()) follow(name_key(room->name()));
    }
    // Lines said while the link was down are read from the stream when the
    // next one shows the gap; rooms entered meanwhile learn where to start.
    for (const auto& [room_key, feed] : feeds_) {
        if (!feed->baseline_known) ask_baseline(room_key);
    }
}

void Cluster::link_down() {
    const bool was = up_;
    up_ = false;
    syncing_ = false;
    held_ctl_.clear();
    spdlog::warn("cluster link down (node {})", node_);
    // Nobody elsewhere can be reached; they reappear once in sync again.
    remote_.clear();
    for (auto& [room_key, feed] : feeds_) {
        feed->fetching = false;
        feed->baseline_asked = false;
    }
    if (was) {
        tell_everyone("*** Link to the rest of the network lost; until it is back you can only reach people on "
                      "this server.");
    }
}

void Cluster::tick() {
    if (link_ == nullptr || !link_->up()) return;
    const auto& config = world_.config().cluster;
    eval(cluster_scripts::heartbeat, {key("nodes"), key("online")},
         {node_, std::to_string(config.lease_ms), key("members:"), key("ctl")},
         [this, alive = alive_](ClusterLink::Reply reply) {
             if (!*alive) return;
             if (!reply || reply->is_error()) {
                 spdlog::warn("cluster heartbeat failed: {}", reply ? reply->text : reply.error());
                 return;
             }
             // Reaped while cut off (or Redis lost its data): the names
             // are claimed again.
             if (reply->integer == 1 && up_) reassert();
         });
    // A line held for a whole heartbeat waits for one that no channel will
    // bring (said just before this node subscribed): read it from the stream.
    for (auto& [room_key, feed] : feeds_) {
        if (feed->held.empty() || !feed->baseline_known || feed->fetching) {
            feed->stuck_at = 0;
        } else if (feed->stuck_at == feed->next) {
            fill_gap(room_key, feed->next, feed->held.begin()->first - 1);
        } else {
            feed->stuck_at = feed->next;
        }
    }
}

void Cluster::reassert() {
    for (auto* user : world_.users()) {
        if (user->closing()) continue;
        publish_here(*user);
    }
}

void Cluster::publish_here(const Session& session) {
    ClusterMessage here{.kind = ClusterMessage::Kind::here,
                        .node = node_,
                        .name = session.name(),
                        .room = session.room() == nullptr ? std::string{} : session.room()->name(),
                        .address = session.address(),
                        .via = via(session)};
    eval(cluster_scripts::claim, {key("online"), key("nodes"), key("members:" + node_)},
         {name_key(session.name()), node_, owner_record(session, here.room, session.name()), "0", key("ctl"), encode(here), key("node:"), "",
          key("members:")},
         [this, alive = alive_, id = session.id()](ClusterLink::Reply reply) {
             // A failed link is not a lost name: it is claimed again once back.
             if (!*alive || !reply || reply->is_error() || reply->integer == 1) return;
             auto* lost = world_.find_session(id);
             if (lost != nullptr && !lost->closing()) name_lost_elsewhere(*lost);
         });
}

void Cluster::sync_presence() {
    link_->command({"HGETALL", key("online")}, [this, alive = alive_](ClusterLink::Reply reply) {
        if (!*alive || !syncing_) return;
        if (!reply || reply->kind != RedisValue::Kind::array) {
            spdlog::warn("cluster: reading who is online failed: {}", reply ? reply->text : reply.error());
            return;  // still syncing: the next link_up tries again
        }
        remote_.clear();
        const auto& items = reply->elements;
        for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
            RemoteUser user;
            if (!split_owner(items[i + 1].text, user) || user.node == node_) continue;
            remote_[items[i].text] = std::move(user);
        }
        syncing_ = false;
        auto held = std::move(held_ctl_);
        held_ctl_.clear();
        for (const auto& message : held) on_ctl(message);
        up_ = true;
        if (was_up_) tell_everyone("*** Link to the rest of the network restored.");
        was_up_ = true;
        spdlog::info("cluster link up (node {}): {} users on other nodes", node_, remote_.size());
    });
}

void Cluster::message(std::string_view channel, std::string_view payload) {
    const auto room_prefix = key("room:");
    if (channel.starts_with(room_prefix)) {
        std::string room_key{channel.substr(room_prefix.size())};
        if (const auto head = decode_room_line_head(payload); head && shown_already(room_key, head->seq, head->epoch)) {
            return;
        }
        auto line = decode_room_line(payload);
        if (!line) {
            spdlog::warn("cluster: dropped a room line: {}", line.error().message);
            return;
        }
        deliver(room_key, line->seq, line->epoch, std::move(line->message), Source::channel);
        return;
    }
    auto message = decode_cluster_message(payload);
    if (!message) {
        spdlog::warn("cluster: dropped a message on {}: {}", channel, message.error().message);
        return;
    }
    if (channel == key("ctl")) {
        if (syncing_) {
            held_ctl_.push_back(std::move(*message));
        } else {
            on_ctl(*message);
        }
    } else {
        on_direct(*message);
    }
}

// --- presence

void Cluster::on_ctl(const ClusterMessage& message) {
    using Kind = ClusterMessage::Kind;
    if (message.kind == Kind::node_gone && message.node == node_) {
        // This node was taken for dead while cut off: claim the names again.
        reassert();
        return;
    }
    if (message.node == node_) return;  // this node's own, done already
    switch (message.kind) {
    case Kind::here:
    case Kind::gone:
    case Kind::node_gone:
        apply_presence(message);
        break;
    case Kind::announce:
        world_.broadcast_to_users(Event{.kind = EventKind::announce, .actor = message.by, .text = message.text});
        break;
    case Kind::shutdown: {
        unsigned seconds = 0;
        std::from_chars(message.text.data(), message.text.data() + message.text.size(), seconds);
        spdlog::info("shutdown of every node requested by {} on node {} in {} s", message.by, message.node, seconds);
        world_.schedule_shutdown(message.by, std::min(seconds, 3600u));
        break;
    }
    case Kind::reboot:
        if (!world_.reboot_requested()) {
            spdlog::info("restart of every node requested by {} on node {}", message.by, message.node);
            world_.request_reboot(message.text, 0);
        }
        break;
    case Kind::account:
        for (const auto& [value, word] : account_changes) {
            if (word == message.text && is_valid_name(message.name)) world_.accounts().note_account(message.name, value);
        }
        break;
    case Kind::ban: {
        Ban ban{.target = message.name, .is_address = message.is_address, .expires = message.expires,
                .reason = message.text, .by = message.by};
        world_.accounts().apply_ban(ban);
        ban_off(world_, ban);
        break;
    }
    default:
        break;
    }
}

void Cluster::apply_presence(const ClusterMessage& message) {
    using Kind = ClusterMessage::Kind;
    const auto room_of = [this](const std::string& name) -> ChatRoom* {
        auto* room = world_.find_room(name);
        return room == nullptr || room->kind() != RoomKind::chat ? nullptr : &as_chat_room(*room);
    };
    if (message.kind == Kind::node_gone) {
        std::vector<RemoteUser> gone;
        for (auto it = remote_.begin(); it != remote_.end();) {
            if (it->second.node == message.node) {
                gone.push_back(std::move(it->second));
                it = remote_.erase(it);
            } else {
                ++it;
            }
        }
        for (const auto& user : gone) {
            if (auto* room = room_of(user.room)) room->remote_left(user.name);
        }
        spdlog::info("cluster: node {} is gone, and its {} users", message.node, gone.size());
        return;
    }
    const auto name = name_key(message.name);
    const auto it = remote_.find(name);
    std::optional<RemoteUser> before;
    if (it != remote_.end()) before = it->second;
    if (message.kind == Kind::gone) {
        // Only the owner's own word removes a user (a late "gone" from a
        // node that lost the name to a take-over changes nothing).
        if (!before || before->node != message.node) return;
        remote_.erase(it);
        if (auto* room = room_of(before->room)) room->remote_left(before->name);
        return;
    }
    RemoteUser now{.name = message.name, .node = message.node, .room = message.room, .address = message.address,
                   .via = message.via};
    remote_[name] = now;
    const bool moved = !before || before->room != now.room || before->node != now.node;
    if (!moved) return;
    if (before) {
        if (auto* room = room_of(before->room)) room->remote_left(before->name);
    }
    if (auto* room = room_of(now.room)) room->remote_entered(now.name);
}

const Cluster::RemoteUser* Cluster::find_remote(std::string_view name) const {
    const auto it = remote_.find(name_key(name));
    return it == remote_.end() ? nullptr : &it->second;
}

// --- names

void Cluster::claim(const Session& session, const std::string& name, bool take_over, std::function<void(Claim)> done) {
    if (link_ == nullptr) {
        done(Claim::down);
        return;
    }
    if (!up_) {
        link_->command({"PING"}, [done = std::move(done)](ClusterLink::Reply) { done(Claim::down); });
        return;
    }
    const std::string room = world_.main_room().name();
    ClusterMessage here{.kind = ClusterMessage::Kind::here, .node = node_, .name = name, .room = room,
                        .address = session.address(), .via = via(session)};
    ClusterMessage takeover{.kind = ClusterMessage::Kind::takeover, .node = node_, .name = name,
                            .address = session.address()};
    std::string record = owner_record(session, room, name);
    eval(cluster_scripts::claim, {key("online"), key("nodes"), key("members:" + node_)},
         {name_key(name), node_, std::move(record), take_over ? "1" : "0", key("ctl"), encode(here), key("node:"),
          encode(takeover), key("members:")},
         [this, alive = alive_, name, done = std::move(done)](ClusterLink::Reply reply) {
             if (!reply || reply->is_error()) {
                 if (reply) spdlog::warn("cluster: claiming {} failed: {}", name, reply->text);
                 done(Claim::down);
                 return;
             }
             if (reply->integer == 1 && *alive) {
                 remote_.erase(name_key(name));
                 just_claimed_.insert(name_key(name));
             }
             done(reply->integer == 1 ? Claim::ok : Claim::taken);
         });
}

void Cluster::signed_out(const Session& session) {
    if (!session.name().empty()) release(session.name());
}

void Cluster::release(const std::string& name) {
    if (link_ == nullptr || !link_->up()) return;
    ClusterMessage gone{.kind = ClusterMessage::Kind::gone, .node = node_, .name = name};
    eval(cluster_scripts::release, {key("online"), key("members:" + node_)},
         {name_key(name), node_, key("ctl"), encode(gone)}, [](ClusterLink::Reply) {});
}

// --- rooms

void Cluster::follow(const std::string& room_key) {
    if (auto [it, added] = feeds_.try_emplace(room_key); added) {
        it->second = std::make_unique<Feed>();
        if (link_ != nullptr) link_->subscribe(room_channel(room_key));
        ask_baseline(room_key);
    }
}

void Cluster::entered(const Session& session, const Room& room) {
    follow(name_key(room.name()));
    if (link_ == nullptr || !link_->up() || session.name().empty()) return;
    if (just_claimed_.erase(name_key(session.name())) > 0) return;
    publish_here(session);
}

void Cluster::left(const Session&, const Room& room) {
    if (room.members().empty()) {
        const auto room_key = name_key(room.name());
        feeds_.erase(room_key);
        if (link_ != nullptr) link_->unsubscribe(room_channel(room_key));
    }
}

bool Cluster::speak(const Session& speaker, const ChatRoom& room, EventKind kind, std::string_view text) {
    if (!up_) return false;
    const auto room_key = name_key(room.name());
    ClusterMessage line{.kind = kind == EventKind::emote ? ClusterMessage::Kind::emote : ClusterMessage::Kind::say,
                        .node = node_,
                        .name = speaker.name(),
                        .room = room.name(),
                        .text = std::string{text},
                        .at_ms = unix_ms(world_.wall_now())};
    auto body = encode(line);
    eval(cluster_scripts::say, {key("seq"), key("history:" + room_key), key("epoch")},
         // Longer than `history` needs: gaps after a reconnect are filled from it.
         {room_key, std::to_string(std::max<std::uint32_t>(world_.config().rooms.history_lines * 2, 1000)),
          std::move(body), room_channel(room_key)},
         [this, alive = alive_, room_key, line = std::move(line)](ClusterLink::Reply reply) mutable {
             if (!*alive) return;
             if (!reply || reply->kind != RedisValue::Kind::array || reply->elements.size() != 2) {
                 // Lost with the link: said here, heard here.
                 spdlog::warn("cluster: a line in {} did not reach Redis", room_key);
                 hear(room_key, line);
                 return;
             }
             // The speaker's own node may get its line from the reply before
             // the channel brings it; the sequence number puts it in place.
             deliver(room_key, static_cast<std::uint64_t>(reply->elements[0].integer), reply->elements[1].text,
                     std::move(line), Source::reply);
         });
    return true;
}

void Cluster::ask_baseline(const std::string& room_key) {
    const auto feed = feeds_.find(room_key);
    if (feed == feeds_.end() || feed->second->baseline_asked || link_ == nullptr || !link_->up()) return;
    feed->second->baseline_asked = true;
    eval(cluster_scripts::baseline, {key("seq"), key("epoch")}, {room_key},
         [this, alive = alive_, room_key](ClusterLink::Reply reply) {
             if (!*alive) return;
             const auto it = feeds_.find(room_key);
             if (it == feeds_.end() || it->second->baseline_known) return;
             auto& feed = *it->second;
             if (!reply || reply->kind != RedisValue::Kind::array || reply->elements.size() != 2) {
                 // Asked again once the link is back.
                 if (reply) spdlog::warn("cluster: reading where {} stands failed: {}", room_key, reply->text);
                 return;
             }
             const auto last = std::strtoull(reply->elements[0].text.c_str(), nullptr, 10);
             feed.epoch = reply->elements[1].text;
             feed.next = last + 1;
             // Lines held until now came on the channel after this node
             // subscribed, so after its members entered: they are shown
             // even where the baseline was read a moment after them.
             if (!feed.held.empty() && feed.held.begin()->second.first == feed.epoch) {
                 feed.next = std::min(feed.next, feed.held.begin()->first);
             }
             feed.baseline_known = true;
             auto held = std::move(feed.held);
             feed.held.clear();
             for (auto& [seq, entry] : held) deliver(room_key, seq, entry.first, std::move(entry.second), Source::stream);
         });
}

bool Cluster::shown_already(const std::string& room_key, std::uint64_t seq, std::string_view epoch) const {
    const auto it = feeds_.find(room_key);
    return it != feeds_.end() && it->second->baseline_known && epoch == it->second->epoch && seq < it->second->next;
}

void Cluster::deliver(const std::string& room_key, std::uint64_t seq, const std::string& epoch, ClusterMessage line,
                      Source source) {
    const auto it = feeds_.find(room_key);
    if (it == feeds_.end()) return;  // nobody here any more
    auto& feed = *it->second;
    if (!feed.baseline_known) {
        feed.held.insert_or_assign(seq, std::pair{epoch, std::move(line)});
        if (link_ != nullptr && link_->up()) ask_baseline(room_key);
        return;
    }
    if (epoch != feed.epoch) {
        if (!feed.epoch.empty()) {
            // Redis started again without its data: numbering restarts.
            feed.next = 1;
            feed.held.clear();
        }
        feed.epoch = epoch;
    }
    if (seq < feed.next) return;  // had it already
    feed.held.insert_or_assign(seq, std::pair{epoch, std::move(line)});
    drain(room_key, feed);
    // The channel skipped what is still missing before this line: the
    // subscription missed it (a reconnect), so the stream has to fill it.
    if (source == Source::channel && feed.next < seq && !feed.fetching) fill_gap(room_key, feed.next, seq - 1);
}

void Cluster::drain(const std::string& room_key, Feed& feed) {
    while (!feed.held.empty() && feed.held.begin()->first == feed.next) {
        auto node = feed.held.extract(feed.held.begin());
        ++feed.next;
        hear(room_key, node.mapped().second);
    }
}

void Cluster::fill_gap(const std::string& room_key, std::uint64_t first, std::uint64_t last) {
    const auto it = feeds_.find(room_key);
    if (it == feeds_.end() || first > last || link_ == nullptr || !link_->up()) return;
    auto& feed = *it->second;
    feed.fetching = true;
    const auto epoch = feed.epoch;
    link_->command({"XRANGE", key("history:" + room_key), std::to_string(first) + "-1", std::to_string(last) + "-1"},
                   [this, alive = alive_, room_key, epoch, last](ClusterLink::Reply reply) {
                       if (!*alive) return;
                       const auto found = feeds_.find(room_key);
                       if (found == feeds_.end()) return;
                       auto& feed = *found->second;
                       feed.fetching = false;
                       if (!reply) return;  // the link went: tried again when back
                       if (feed.epoch != epoch) return;  // Redis started afresh meanwhile
                       if (reply->kind == RedisValue::Kind::array) {
                           for (const auto& entry : reply->elements) {
                               if (entry.elements.size() != 2 || entry.elements[1].elements.size() != 2) continue;
                               const auto seq = std::strtoull(entry.elements[0].text.c_str(), nullptr, 10);
                               auto line = decode_cluster_message(entry.elements[1].elements[1].text);
                               if (seq == 0 || !line) continue;
                               deliver(room_key, seq, epoch, std::move(*line), Source::stream);
                           }
                       }
                       // What the stream no longer has is lost: say so, and go on.
                       if (feed.next <= last) {
                           if (auto* room = world_.find_room(room_key); room != nullptr && room->kind() == RoomKind::chat) {
                               as_chat_room(*room).lines_lost();
                           }
                           spdlog::warn("cluster: lines {} to {} of {} are lost", feed.next, last, room_key);
                           feed.next = last + 1;
                           drain(room_key, feed);
                       }
                   });
}

void Cluster::hear(const std::string& room_key, const ClusterMessage& line) {
    auto* room = world_.find_room(line.room);
    if (room == nullptr) room = world_.find_room(room_key);
    if (room == nullptr || room->kind() != RoomKind::chat) return;
    as_chat_room(*room).hear(event_kind(line.kind), line.name, line.text, from_unix_ms(line.at_ms));
}

void Cluster::history(const Room& room, std::size_t count,
                      std::function<void(Result<std::vector<History::Entry>>)> done) {
    link_->command({"XREVRANGE", key("history:" + name_key(room.name())), "+", "-", "COUNT", std::to_string(count)},
                   [done = std::move(done)](ClusterLink::Reply reply) {
                       if (!reply || reply->kind != RedisValue::Kind::array) {
                           done(fail(reply ? reply->text : reply.error()));
                           return;
                       }
                       std::vector<History::Entry> entries;
                       for (auto it = reply->elements.rbegin(); it != reply->elements.rend(); ++it) {
                           if (it->elements.size() != 2 || it->elements[1].elements.size() != 2) continue;
                           auto line = decode_cluster_message(it->elements[1].elements[1].text);
                           if (!line) continue;
                           entries.push_back({.when = from_unix_ms(line->at_ms),
                                              .kind = event_kind(line->kind),
                                              .speaker = line->name,
                                              .text = line->text});
                       }
                       done(std::move(entries));
                   });
}

// --- reaching people elsewhere

void Cluster::on_direct(const ClusterMessage& message) {
    using Kind = ClusterMessage::Kind;
    auto* user = world_.find_user(message.name);
    if (user == nullptr || user->closing()) return;
    switch (message.kind) {
    case Kind::tell:
        if (user->ignores_name(message.by)) return;
        user->deliver(Event{.kind = EventKind::tell, .actor = message.by, .target = user->name(), .text = message.text});
        user->set_reply_to(message.by);
        break;
    case Kind::kick:
        kick_off(*user, message.by, message.text);
        spdlog::info("kick {} by {} on node {} ({})", user->name(), message.by, message.node, message.text);
        break;
    case Kind::takeover:
        take_over(*user, message.address);
        spdlog::info("takeover {} from {} on node {}", user->name(), message.address, message.node);
        break;
    default:
        break;
    }
}

bool Cluster::tell(const Session& from, const RemoteUser& to, std::string_view text) {
    if (!up_) return false;
    ClusterMessage tell{.kind = ClusterMessage::Kind::tell, .node = node_, .name = to.name, .text = std::string{text},
                        .by = from.name()};
    link_->command({"PUBLISH", node_channel(to.node), encode(tell)}, [](ClusterLink::Reply) {});
    return true;
}

bool Cluster::kick(const Session& by, const RemoteUser& target, std::string_view reason) {
    if (!up_) return false;
    ClusterMessage kick{.kind = ClusterMessage::Kind::kick, .node = node_, .name = target.name,
                        .text = std::string{reason}, .by = by.name()};
    link_->command({"PUBLISH", node_channel(target.node), encode(kick)}, [](ClusterLink::Reply) {});
    return true;
}

bool Cluster::announce(const Session& by, std::string_view text) {
    if (!up_) return false;
    ClusterMessage announce{.kind = ClusterMessage::Kind::announce, .node = node_, .text = std::string{text},
                            .by = by.name()};
    link_->command({"PUBLISH", key("ctl"), encode(announce)}, [](ClusterLink::Reply) {});
    return true;
}

void Cluster::account_changed(std::string_view name, AccountChange change) {
    if (!up_) return;
    ClusterMessage message{.kind = ClusterMessage::Kind::account, .node = node_, .name = std::string{name}};
    for (const auto& [value, word] : account_changes) {
        if (value == change) message.text = word;
    }
    link_->command({"PUBLISH", key("ctl"), encode(message)}, [](ClusterLink::Reply) {});
}

bool Cluster::shut_down_all(const Session& by, unsigned seconds) {
    if (!up_) return false;
    ClusterMessage message{.kind = ClusterMessage::Kind::shutdown, .node = node_, .text = std::to_string(seconds),
                           .by = by.name()};
    link_->command({"PUBLISH", key("ctl"), encode(message)}, [](ClusterLink::Reply) {});
    return true;
}

bool Cluster::reboot_all(const Session& by, std::string_view reason) {
    if (!up_) return false;
    ClusterMessage message{.kind = ClusterMessage::Kind::reboot, .node = node_, .text = std::string{reason},
                           .by = by.name()};
    link_->command({"PUBLISH", key("ctl"), encode(message)}, [](ClusterLink::Reply) {});
    return true;
}

void Cluster::banned(const Ban& ban) {
    if (!up_) return;
    ClusterMessage message{.kind = ClusterMessage::Kind::ban, .node = node_, .name = ban.target, .text = ban.reason,
                           .by = ban.by, .is_address = ban.is_address, .expires = ban.expires};
    link_->command({"PUBLISH", key("ctl"), encode(message)}, [](ClusterLink::Reply) {});
}

}  // namespace natter
