// This node's part in a chat spread over several natterd processes through
// Redis (SPEC §11): names claimed cluster-wide, presence copied from the
// other nodes, room lines put in one order by Redis and rendered here once
// for all local members, private messages and operators' actions sent to
// the node that holds the user, and what users are told while the link is
// down. Events cross nodes, never rendered text. Knows the world and a
// ClusterLink, never a socket: src/net owns the link and calls tick().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "rooms/history.hpp"
#include "src/cluster_link.hpp"
#include "src/cluster_message.hpp"
#include "src/error.hpp"
#include "src/event.hpp"

namespace natter {

class ChatRoom;
class Room;
class Session;
class World;
struct Ban;
enum class AccountChange;

class Cluster final : private ClusterLink::Listener {
public:
    explicit Cluster(World& world);
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    // The link to use from now on, and this node's id.
    void attach(ClusterLink& link, std::string node);
    // Before the link goes: this node's lease is given up so that the other
    // nodes let its users go at their next heartbeat.
    void detach();
    [[nodiscard]] const std::string& node() const { return node_; }
    // The link is up and this node's view of the others is in sync: names
    // can be claimed and lines cross.
    [[nodiscard]] bool up() const { return up_; }

    // Renews this node's lease and reaps dead nodes; every heartbeat_ms.
    void tick();

    // --- names
    enum class Claim { ok, taken, down };
    // Claims `name` for `session` across the cluster; `take_over` takes it
    // from a live owner elsewhere (its password was right). `done` runs
    // later, on the loop, with the session looked up again by the caller.
    void claim(const Session& session, const std::string& name, bool take_over, std::function<void(Claim)> done);
    // The user left the chat: their name is free everywhere.
    void signed_out(const Session& session);
    // Frees a name this node claimed, if it still owns it.
    void release(const std::string& name);

    // --- rooms
    void entered(const Session& session, const Room& room);
    void left(const Session& session, const Room& room);
    // A say or emote: false when the link is down (the room then renders
    // it itself, for this node only); otherwise the room hears it once
    // Redis has put it in order.
    bool speak(const Session& speaker, const ChatRoom& room, EventKind kind, std::string_view text);
    // The room's recent lines, oldest first, as Redis keeps them.
    void history(const Room& room, std::size_t count, std::function<void(Result<std::vector<History::Entry>>)> done);

    // --- people on other nodes
    struct RemoteUser {
        std::string name;
        std::string node;
        std::string room;
        std::string address{};  // what operators see of them
        std::string via{};      // "telnet", "mud+tls", …
    };
    [[nodiscard]] const RemoteUser* find_remote(std::string_view name) const;
    // By name key, in no particular order.
    [[nodiscard]] const std::unordered_map<std::string, RemoteUser>& remote_users() const { return remote_; }

    // --- reaching them (false when the link is down)
    bool tell(const Session& from, const RemoteUser& to, std::string_view text);
    bool kick(const Session& by, const RemoteUser& target, std::string_view reason);
    bool announce(const Session& by, std::string_view text);
    void banned(const Ban& ban);
    // `shutdown all` and `reboot all`: every other node does the same.
    bool shut_down_all(const Session& by, unsigned seconds);
    bool reboot_all(const Session& by, std::string_view reason);
    void account_changed(std::string_view name, AccountChange change);

private:
    struct Feed;

    void link_up() override;
    void link_down() override;
    void message(std::string_view channel, std::string_view payload) override;

    void on_ctl(const ClusterMessage& message);
    void on_direct(const ClusterMessage& message);
    void apply_presence(const ClusterMessage& message);
    void sync_presence();
    void reassert();
    // Tells every node where the user is; a name that another node took
    // meanwhile sends this user off.
    void publish_here(const Session& session);

    void ask_baseline(const std::string& room_key);
    // Where a room line came from: its channel (in Redis's order, so a
    // sequence number skipped there is a real gap), the reply to this
    // node's own say, or the stream (a gap being filled).
    enum class Source { channel, reply, stream };
    void deliver(const std::string& room_key, std::uint64_t seq, const std::string& epoch, ClusterMessage line,
                 Source source);
    void drain(const std::string& room_key, Feed& feed);
    // Before `line` is parsed: this node showed it already (its own, or
    // a line the stream filled in).
    [[nodiscard]] bool shown_already(const std::string& room_key, std::uint64_t seq, std::string_view epoch) const;
    void follow(const std::string& room_key);
    void fill_gap(const std::string& room_key, std::uint64_t first, std::uint64_t last);
    void hear(const std::string& room_key, const ClusterMessage& line);

    [[nodiscard]] std::string key(std::string_view part) const;
    [[nodiscard]] std::string room_channel(std::string_view room_key) const;
    [[nodiscard]] std::string node_channel(std::string_view node) const;
    [[nodiscard]] std::string owner_record(const Session& session, std::string_view room, std::string_view name) const;
    // Runs one of cluster_scripts by its SHA-1 (EVALSHA).
    void eval(std::string_view script, std::vector<std::string> keys, std::vector<std::string> args,
              ClusterLink::Done done);
    void load_scripts();
    [[nodiscard]] const std::string& script_sha(std::string_view script);
    void tell_everyone(std::string_view line);

    World& world_;
    ClusterLink* link_ = nullptr;
    std::string node_;
    std::string prefix_;
    bool up_ = false;
    bool syncing_ = false;
    bool was_up_ = false;  // users are told of a loss only after the link was once up
    std::vector<ClusterMessage> held_ctl_;  // ctl messages that came while syncing
    std::unordered_map<std::string, RemoteUser> remote_;
    // Names claimed for the main room, whose arrival there was published by the claim itself.
    std::unordered_set<std::string> just_claimed_;
    std::map<std::string, std::unique_ptr<Feed>> feeds_;  // rooms with local members, by room key
    std::unordered_map<const char*, std::string> script_shas_;  // by the script's text
    // Guards callbacks that outlive this object's link (detach, shutdown).
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace natter
