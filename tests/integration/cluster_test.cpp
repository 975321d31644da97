// Cluster mode (SPEC §11 [cluster]) over real TCP: three natterd nodes on
// one Redis, every user on some node, and each scenario checks that they see
// what users on one server see, with the texts the single-server tests
// expect; then what a killed node, a killed or paused Redis and dropped
// subscriber connections look like. Every wait is bounded; a failed one says
// who awaited what, and shows the end of every node's log.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <functional>
#include <optional>
#include <ostream>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/chat_client.hpp"
#include "tests/support/cluster_fixture.hpp"
#include "tests/support/printable.hpp"
#include "tests/support/tcp_client.hpp"

using namespace natter::test;

namespace {

using Clock = std::chrono::steady_clock;

constexpr Millis normal{5000};
constexpr Millis slow{10000};  // an argon2 hash under sanitizers on a busy machine
// A node that dies is noticed once its leases lapse and a heartbeat passes.
constexpr Millis crash_noticed = ClusterFixture::lease + ClusterFixture::heartbeat + Millis{2000};
constexpr Millis link_lost_within{5000};    // a dead Redis socket is seen at once; a silent one in ~3 s
constexpr Millis link_back_within{12000};   // reconnect backoff after a few seconds down
constexpr Millis burst_within{30000};       // 2,000 lines to five clients through Redis

const std::string link_lost =
    "*** Link to the rest of the network lost; until it is back you can only reach people on this server.";
const std::string link_restored = "*** Link to the rest of the network restored.";
const std::string reconnecting = "The network is reconnecting; please try again in a moment.";
const std::string sentinel_reply = "Usage: me <action>";

// The last `count` lines of `text`.
std::string tail(const std::string& text, int count) {
    auto at = text.size();
    for (int i = 0; i <= count && at != std::string::npos && at > 0; ++i) at = text.rfind('\n', at - 1);
    return at == std::string::npos ? text : text.substr(at + 1);
}

std::string log_tails(const ClusterFixture& cluster, int lines = 15) {
    std::string text;
    for (int n = 1; n <= ClusterFixture::nodes; ++n) {
        // A killed node's log is still held.
        text += "\n--- last lines of natterd " + ClusterFixture::node_id(n) + ":\n" + tail(cluster.log_of(n), lines);
    }
    return text;
}

// The outcome of a wait: converts to bool and prints what was awaited, by
// whom, and what came instead, so `CHECK(user.line("x"))` explains itself.
struct Awaited {
    bool ok = false;
    std::string story;
    explicit operator bool() const { return ok; }
};
std::ostream& operator<<(std::ostream& out, const Awaited& awaited) { return out << awaited.story; }

// One person at a telnet client connected to one node.
class User {
public:
    // Connected, welcome read, at the login prompt.
    static User connected(ClusterFixture& cluster, int node, std::string label, std::string_view source = {}) {
        User user{cluster, node, std::move(label), TcpClient{cluster.port(node), source}};
        if (!user.client_.read_until([](std::string_view l) { return l == "Welcome to TestChat"; }, normal)) {
            throw std::runtime_error(user.who() + ": no \"Welcome to TestChat\"" + log_tails(cluster));
        }
        return user;
    }
    // A guest logged in as `name`, in the room (its own look lists it).
    static User guest(ClusterFixture& cluster, int node, std::string name) {
        User user = connected(cluster, node, name);
        try {
            log_in(user.client_, user.name_);
        } catch (const std::exception& e) {
            throw std::runtime_error(user.who() + ": " + e.what() + log_tails(cluster));
        }
        user.settle();
        return user;
    }
    // A registered name logged in with its password, in the room.
    static User account(ClusterFixture& cluster, int node, const ClusterAccount& account,
                        std::string_view source = {}) {
        User user = connected(cluster, node, std::string{account.name}, source);
        user.send("login " + user.name_);
        if (!user.client_.read_until([](std::string_view l) { return l == "Password:"; }, normal)) {
            throw std::runtime_error(user.who() + ": no \"Password:\" after login" + log_tails(cluster));
        }
        user.send(account.password);
        user.send("look");
        const auto listed = [&](std::string_view l) { return names_user(l, user.name_); };
        if (!user.client_.read_until([](std::string_view l) { return l == "The following are in this room:"; }, slow) ||
            !user.client_.read_until(listed, normal)) {
            throw std::runtime_error(user.who() + ": the password login did not reach the room" + log_tails(cluster));
        }
        user.settle();
        return user;
    }

    const std::string& name() const { return name_; }
    int node() const { return node_; }
    TcpClient& client() { return client_; }
    std::string who() const { return name_ + " on " + ClusterFixture::node_id(node_); }

    void send(std::string_view line) {
        // A refused send shows up as the missing reply the next wait reports.
        if (!client_.send_line(line, normal)) sent_ok_ = false;
    }
    bool sends_ok() const { return sent_ok_; }

    // Reads until a line satisfies `match`; `what` names it for a failure.
    Awaited line_where(const std::string& what, const std::function<bool(std::string_view)>& match,
                       Millis timeout = normal) {
        if (client_.read_until(match, timeout)) return {true, {}};
        return {false, failure("a line " + what, timeout, client_.skipped_lines())};
    }
    Awaited line(std::string_view wanted, Millis timeout = normal) {
        const std::string text{wanted};
        return line_where("\"" + printable(text) + "\"", [text](std::string_view l) { return l == text; }, timeout);
    }
    // Reads until every one of `wanted` has come, in any order.
    Awaited lines(std::vector<std::string> wanted, Millis timeout = normal) {
        const auto deadline = Clock::now() + timeout;
        std::vector<std::string> seen;
        for (int count = 0; count < 100000 && !wanted.empty(); ++count) {
            const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
            auto got = client_.read_line(std::max(left, Millis{0}));
            if (!got) break;
            const auto at = std::find(wanted.begin(), wanted.end(), *got);
            if (at != wanted.end()) {
                wanted.erase(at);
            } else if (seen.size() < 1000) {
                seen.push_back(std::move(*got));
            }
        }
        if (wanted.empty()) return {true, {}};
        std::string missing;
        for (const auto& w : wanted) missing += (missing.empty() ? "\"" : ", \"") + printable(w) + "\"";
        return {false, failure("each of " + missing, timeout, seen)};
    }
    // An empty `me` gets a one-line usage reply, to the sender only: if that
    // is the next line, nothing else reached this user before it.
    Awaited nothing_before_sentinel() {
        send("me");
        auto got = client_.read_line(normal);
        if (got && *got == sentinel_reply) return {true, {}};
        return {false, who() + " expected nothing before \"" + sentinel_reply + "\", got " +
                           (got ? "\"" + printable(*got) + "\"" : std::string{"nothing"}) +
                           " (within " + std::to_string(normal.count()) + " ms)" + log_tails(*cluster_)};
    }
    Awaited closed(Millis timeout = normal) {
        if (client_.wait_closed(timeout)) return {true, {}};
        return {false, who() + " awaited the server closing the connection within " +
                           std::to_string(timeout.count()) + " ms; it stayed open" + log_tails(*cluster_)};
    }

    // The lines of a reply that starts with `header`, up to the reply to a
    // later sentinel command. Notices that other users cause can arrive
    // around it and are left out. Failures are reported here.
    std::vector<std::string> reply(std::string_view command, std::string_view header, Millis timeout = normal) {
        send(command);
        send("me");
        const std::string head{header};
        bool sentinel_first = false;
        std::vector<std::string> before;
        const auto deadline = Clock::now() + timeout;
        const auto left = [&] {
            return std::max(std::chrono::duration_cast<Millis>(deadline - Clock::now()), Millis{0});
        };
        for (int count = 0; count < 10000; ++count) {
            auto got = client_.read_line(left());
            if (!got) {
                FAIL_CHECK(failure("\"" + head + "\" in reply to \"" + std::string{command} + "\"", timeout, before));
                return {};
            }
            if (*got == head) break;
            if (*got == sentinel_reply) sentinel_first = true;
            before.push_back(std::move(*got));
        }
        std::vector<std::string> lines;
        if (sentinel_first) {
            // The reply came after that of a later command: one server never
            // does that. Its end is then unknown; take what follows promptly.
            FAIL_CHECK(who() << ": the reply to \"" << command << "\" came after the reply to a later \"me\"");
            while (auto got = client_.read_line(Millis{500})) {
                if (!is_notice(*got)) lines.push_back(std::move(*got));
            }
            return lines;
        }
        for (int count = 0; count < 10000; ++count) {
            auto got = client_.read_line(left());
            if (!got) {
                FAIL_CHECK(failure("the end of the reply to \"" + std::string{command} + "\" (\"" + sentinel_reply +
                                       "\" to the sentinel)",
                                   timeout, lines));
                return lines;
            }
            if (*got == sentinel_reply) break;
            if (!is_notice(*got)) lines.push_back(std::move(*got));
        }
        return lines;
    }
    // The names a `who` or `look` reply lists, sorted.
    std::vector<std::string> names_in(std::string_view command, std::string_view header) {
        std::vector<std::string> names;
        for (const auto& line : reply(command, header)) names.push_back(line.substr(0, line.find(' ')));
        std::sort(names.begin(), names.end());
        return names;
    }
    std::vector<std::string> who_names() { return names_in("who", "The following are logged in:"); }
    std::vector<std::string> look_names() { return names_in("look", "The following are in this room:"); }

private:
    User(ClusterFixture& cluster, int node, std::string name, TcpClient client)
        : cluster_(&cluster), node_(node), name_(std::move(name)), client_(std::move(client)) {}

    // Reads the rest of the login's look reply: it lists this user's name
    // where the node puts it, not necessarily last.
    void settle() {
        send("me");
        if (!client_.read_until([](std::string_view l) { return l == sentinel_reply; }, normal)) {
            throw std::runtime_error(who() + ": no reply to a sentinel after the login" + log_tails(*cluster_));
        }
    }

    static bool is_notice(std::string_view line) {
        return line.ends_with(" has entered the room.") || line.ends_with(" has left the room.") ||
               line.starts_with("*** ");
    }

    std::string failure(const std::string& what, Millis timeout, const std::vector<std::string>& instead) const {
        std::string story = who() + " awaited " + what + " within " + std::to_string(timeout.count()) + " ms; ";
        if (instead.empty()) {
            story += "nothing else came";
        } else {
            story += "instead came:";
            for (const auto& line : instead) story += "\n    \"" + printable(line) + "\"";
        }
        if (client_.peer_closed()) story += "\n  (the server closed the connection)";
        return story + log_tails(*cluster_);
    }

    ClusterFixture* cluster_;
    int node_;
    std::string name_;
    TcpClient client_;
    bool sent_ok_ = true;
};

auto sorted(std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    return names;
}

// Lines as one text, for a failure message.
std::string joined(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += "\n    \"" + printable(line) + "\"";
    return text;
}

// Every user awaits the same line.
void all_get(std::vector<User*> users, const std::string& wanted, Millis timeout = normal) {
    for (auto* user : users) CHECK(user->line(wanted, timeout));
}

// amy, bob and cat in the lobby of nodes 1, 2 and 3, each past the notices
// of those who came after.
struct OnePerNode {
    User amy;
    User bob;
    User cat;
};
OnePerNode one_per_node(ClusterFixture& cluster) {
    OnePerNode users{User::guest(cluster, 1, "amy"), User::guest(cluster, 2, "bob"), User::guest(cluster, 3, "cat")};
    CHECK(users.amy.lines({"bob has entered the room.", "cat has entered the room."}));
    CHECK(users.bob.line("cat has entered the room."));
    return users;
}

// A node with no member in a room sees a user leave only in its copy of who
// is online, which no line shows. One Redis hands each subscriber its
// messages in the order they were published, so a tell that `from`'s node
// sends after it saw a change reaches `to`'s node after that change: once
// `to` hears it, `to`'s node has seen everything `from`'s had.
Awaited caught_up(User& from, User& to) {
    from.send("tell " + to.name() + " catch up");
    return to.line(from.name() + " tells you: catch up");
}

}  // namespace

TEST_CASE("Cluster: Redis and three nodes start and each logs cluster link up") {
    ClusterFixture cluster;
    for (int n = 1; n <= ClusterFixture::nodes; ++n) {
        CAPTURE(n);
        CHECK(cluster.node(n).stdout_text().find("cluster link up") != std::string::npos);
        CHECK(cluster.port(n) != 0);
    }
    const auto pong = cluster.redis().cli({"PING"});
    CHECK(pong.status == 0);
    CHECK(pong.out.find("PONG") != std::string::npos);
}

// 1. Rooms span the nodes.

TEST_CASE("Cluster: enter notices and says and emotes reach the room on every node") {
    ClusterFixture cluster;
    auto [amy, bob, cat] = one_per_node(cluster);

    amy.send("say hello from one");
    all_get({&amy, &bob, &cat}, "amy: hello from one");
    bob.send(":waves from two");
    all_get({&amy, &bob, &cat}, "bob waves from two");
    cat.send("'hi from three");
    all_get({&amy, &bob, &cat}, "cat: hi from three");
    cat.send("me bows");
    all_get({&amy, &bob, &cat}, "cat bows");
    // Each line came once: the next line is each user's own sentinel reply.
    for (auto* user : {&amy, &bob, &cat}) CHECK(user->nothing_before_sentinel());
}

TEST_CASE("Cluster: look and who and rooms on every node count the users of all nodes") {
    ClusterFixture cluster;
    auto [amy, bob, cat] = one_per_node(cluster);
    const std::vector<std::string> everyone{"amy", "bob", "cat"};
    for (auto* user : {&amy, &bob, &cat}) {
        CAPTURE(user->who());
        CHECK(user->look_names() == everyone);
        const auto who = user->reply("who", "The following are logged in:");
        std::vector<std::string> listed;
        for (const auto& line : who) {
            for (const auto& name : everyone) {
                if (names_user(line, name)) listed.push_back(name);
            }
        }
        CHECK(sorted(listed) == everyone);
        CHECK(who.size() == everyone.size());
        CHECK(user->reply("rooms", "The following rooms are open:") ==
              std::vector<std::string>{"lobby: 3 people (you are here)", "cellar: 0 people"});
    }
}

TEST_CASE("Cluster: moving to another room and logging out are seen on every node") {
    ClusterFixture cluster;
    User amy = User::guest(cluster, 1, "amy");
    User cel = User::guest(cluster, 1, "cel");
    CHECK(amy.line("cel has entered the room."));
    cel.send("join cellar");
    CHECK(cel.line("You are now in cellar."));
    CHECK(amy.line("cel has left the room."));
    User bob = User::guest(cluster, 2, "bob");
    CHECK(amy.line("bob has entered the room."));
    User cat = User::guest(cluster, 3, "cat");
    CHECK(amy.line("cat has entered the room."));
    CHECK(bob.line("cat has entered the room."));

    bob.send("join cellar");
    CHECK(bob.line("You are now in cellar."));
    CHECK(amy.line("bob has left the room."));
    CHECK(cat.line("bob has left the room."));
    CHECK(cel.line("bob has entered the room."));
    // Says stay in their room; cel got the notice, so n1 has delivered it.
    bob.send("say down here");
    CHECK(bob.line("bob: down here"));
    CHECK(cel.line("bob: down here"));
    CHECK(amy.nothing_before_sentinel());
    CHECK(cat.nothing_before_sentinel());
    CHECK(bob.look_names() == std::vector<std::string>{"bob", "cel"});
    CHECK(cat.look_names() == std::vector<std::string>{"amy", "cat"});
    CHECK(amy.reply("rooms", "The following rooms are open:") ==
          std::vector<std::string>{"lobby: 2 people (you are here)", "cellar: 2 people"});

    cat.send("quit");
    CHECK(cat.closed());
    CHECK(amy.line("cat has left the room."));
    CHECK(cel.nothing_before_sentinel());
    CHECK(bob.nothing_before_sentinel());
    CHECK(caught_up(amy, bob));
    for (auto* user : {&amy, &bob, &cel}) {
        CAPTURE(user->who());
        CHECK(user->who_names() == std::vector<std::string>{"amy", "bob", "cel"});
    }
}

// 2. Private lines.

TEST_CASE("Cluster: tell and reply and ignore work across nodes as on one server") {
    ClusterFixture cluster;
    User alice = User::guest(cluster, 1, "alice");
    User bob = User::guest(cluster, 2, "bob");
    User cid = User::guest(cluster, 2, "cid");
    User carol = User::guest(cluster, 3, "carol");
    CHECK(alice.lines({"bob has entered the room.", "cid has entered the room.", "carol has entered the room."}));
    CHECK(bob.lines({"cid has entered the room.", "carol has entered the room."}));
    CHECK(cid.line("carol has entered the room."));

    alice.send("tell bob the cake is in the oven");
    CHECK(alice.line("You tell bob: the cake is in the oven"));
    CHECK(bob.line("alice tells you: the cake is in the oven"));
    CHECK(cid.nothing_before_sentinel());
    CHECK(carol.nothing_before_sentinel());

    bob.send("reply thanks");
    CHECK(bob.line("You tell alice: thanks"));
    CHECK(alice.line("bob tells you: thanks"));
    CHECK(carol.nothing_before_sentinel());

    bob.send("ignore alice");
    CHECK(bob.line("You are now ignoring alice."));
    alice.send("tell bob psst");
    CHECK(alice.line("You tell bob: psst"));  // an ordinary confirmation
    // A later tell to cid, on bob's node, has gone the same way: once cid
    // has it, bob's would have arrived.
    alice.send("tell cid marker");
    CHECK(alice.line("You tell cid: marker"));
    CHECK(cid.line("alice tells you: marker"));
    CHECK(bob.nothing_before_sentinel());
    alice.send("say hello all");
    CHECK(alice.line("alice: hello all"));
    CHECK(cid.line("alice: hello all"));
    CHECK(carol.line("alice: hello all"));
    alice.send(":juggles");
    CHECK(alice.line("alice juggles"));
    CHECK(cid.line("alice juggles"));
    CHECK(bob.nothing_before_sentinel());
    carol.send("say still here");
    CHECK(bob.line("carol: still here"));

    bob.send("unignore alice");
    CHECK(bob.line("You are no longer ignoring alice."));
    alice.send("say can you hear me");
    CHECK(bob.line("alice: can you hear me"));
    alice.send("tell bob and now");
    CHECK(bob.line("alice tells you: and now"));

    carol.send("tell Zed hello?");
    CHECK(carol.line("No one called \"Zed\" is logged in."));
    CHECK(bob.nothing_before_sentinel());
}

// 3. Names.

TEST_CASE("Cluster: a name in use on one node is taken on every other node in any case") {
    ClusterFixture cluster;
    User alice = User::guest(cluster, 1, "alice");
    User second = User::connected(cluster, 2, "a second alice");
    for (const std::string typed : {"alice", "ALICE"}) {
        second.send("login " + typed);
        CHECK(second.line("The name \"" + typed + "\" is taken."));
        CHECK(second.line("Please try again."));
    }
    User third = User::connected(cluster, 3, "a third alice");
    third.send("login Alice");
    CHECK(third.line("The name \"Alice\" is taken."));
    CHECK(third.line("Please try again."));
    // Still at the login prompt, and a free name works.
    second.send("hello");
    CHECK(second.line("Please log in"));
    CHECK(second.line("Use \"login <nick>\""));
    log_in(second.client(), "alicia");
    CHECK(alice.line("alicia has entered the room."));
    CHECK(third.who() == "a third alice on n3");
}

TEST_CASE("Cluster: a registered user logging in on another node takes the session over") {
    ClusterFixture cluster;
    User first = User::account(cluster, 1, cluster_dana);
    User amy = User::guest(cluster, 1, "amy");
    User watcher = User::guest(cluster, 3, "watcher");
    CHECK(first.lines({"amy has entered the room.", "watcher has entered the room."}));
    User second = User::account(cluster, 2, cluster_dana, "127.0.0.4");
    CHECK(first.line("*** Your session has been taken over by a new login from 127.0.0.4."));
    CHECK(first.closed());
    for (auto* user : {&amy, &second, &watcher}) {
        CAPTURE(user->who());
        CHECK(user->who_names() == std::vector<std::string>{"amy", "dana", "watcher"});
        CHECK(user->look_names() == std::vector<std::string>{"amy", "dana", "watcher"});
    }
    second.send("say it is me");
    CHECK(watcher.line("dana: it is me"));
    CHECK(amy.line("dana: it is me"));
}

// 4. One order for everyone.

TEST_CASE("Cluster: two speakers on two nodes pipelining a thousand lines each are heard in one order everywhere") {
    constexpr int per_speaker = 1000;
    ClusterFixture cluster;
    User sam = User::guest(cluster, 1, "sam");
    User sue = User::guest(cluster, 2, "sue");
    User lee = User::guest(cluster, 1, "lee");
    User lou = User::guest(cluster, 2, "lou");
    User liz = User::guest(cluster, 3, "liz");
    std::vector<User*> everyone{&sam, &sue, &lee, &lou, &liz};
    // Each node delivers to everyone before the burst starts.
    sam.send("say ready");
    all_get(everyone, "sam: ready");
    sue.send("say go");
    all_get(everyone, "sue: go");

    std::string sam_lines;
    std::string sue_lines;
    for (int i = 1; i <= per_speaker; ++i) {
        const auto digits = std::to_string(i);
        const auto number = std::string(4 - digits.size(), '0') + digits;
        sam_lines += "say sam " + number + "\r\n";
        sue_lines += "say sue " + number + "\r\n";
    }
    REQUIRE(sam.client().send(sam_lines, normal));
    REQUIRE(sue.client().send(sue_lines, normal));

    // Read round the five clients so that none sits on a full buffer.
    std::vector<std::vector<std::string>> heard(everyone.size());
    const auto deadline = Clock::now() + burst_within;
    const auto all_heard = [&] {
        return std::all_of(heard.begin(), heard.end(), [](const auto& h) { return h.size() >= 2 * per_speaker; });
    };
    while (!all_heard() && Clock::now() < deadline) {
        for (std::size_t i = 0; i < everyone.size(); ++i) {
            for (int count = 0; count < 500 && heard[i].size() < 2 * per_speaker; ++count) {
                auto got = everyone[i]->client().read_line(Millis{10});
                if (!got) break;
                if (got->starts_with("sam: sam ") || got->starts_with("sue: sue ")) heard[i].push_back(*got);
            }
        }
    }
    for (std::size_t i = 0; i < everyone.size(); ++i) {
        CAPTURE(everyone[i]->who());
        CHECK_MESSAGE(heard[i].size() == 2 * per_speaker, everyone[i]->who() << " heard " << heard[i].size() << " of "
                                                                             << 2 * per_speaker << " lines within "
                                                                             << burst_within.count() << " ms"
                                                                             << log_tails(cluster, 5));
        const std::set<std::string> distinct(heard[i].begin(), heard[i].end());
        CHECK_MESSAGE(distinct.size() == heard[i].size(), everyone[i]->who() << " heard some lines twice");
        for (const std::string speaker : {"sam", "sue"}) {
            int last = 0;
            bool rising = true;
            std::set<int> missing;
            for (int n = 1; n <= per_speaker; ++n) missing.insert(n);
            for (const auto& line : heard[i]) {
                if (!line.starts_with(speaker)) continue;
                const int n = std::stoi(line.substr(line.rfind(' ') + 1));
                if (n != last + 1) rising = false;
                missing.erase(n);
                last = n;
            }
            std::string which;
            for (auto it = missing.begin(); it != missing.end() && which.size() < 80; ++it) which += " " + std::to_string(*it);
            CHECK_MESSAGE(rising, everyone[i]->who() << " heard " << speaker << "'s lines out of order or with gaps; "
                                                     << missing.size() << " missing:" << which);
        }
        if (i == 0) continue;
        // The same sequence as sam's own; show where it first differs.
        const auto& first = heard[0];
        const auto differ = std::mismatch(heard[i].begin(), heard[i].end(), first.begin(), first.end());
        const bool same = heard[i] == first;
        CHECK_MESSAGE(same, everyone[i]->who() << " heard another order than " << everyone[0]->who()
                                               << ": first difference at line "
                                               << (differ.first - heard[i].begin()) << ": \""
                                               << (differ.first == heard[i].end() ? "(end)" : *differ.first)
                                               << "\" against \""
                                               << (differ.second == first.end() ? "(end)" : *differ.second) << "\"");
    }
}

// 5. History.

TEST_CASE("Cluster: history gives the same lines in the same order on every node") {
    ClusterFixture cluster;
    auto [amy, bob, cat] = one_per_node(cluster);
    const std::vector<std::pair<User*, std::string>> said{
        {&amy, "say first"}, {&bob, ":second"}, {&cat, "'third"}, {&amy, ":fourth"}, {&bob, "say fifth"}};
    const std::vector<std::string> expected{"amy: first", "bob second", "cat: third", "amy fourth", "bob: fifth"};
    for (std::size_t i = 0; i < said.size(); ++i) {
        said[i].first->send(said[i].second);
        all_get({&amy, &bob, &cat}, expected[i]);
    }
    amy.send("tell cat not history");
    CHECK(cat.line("amy tells you: not history"));

    User dan = User::guest(cluster, 2, "dan");
    const std::regex entry{R"(\[([01][0-9]|2[0-3]):[0-5][0-9]\] (.*))"};
    for (auto* user : {&amy, &bob, &cat, &dan}) {
        CAPTURE(user->who());
        const auto lines = user->reply("history", "Recent messages in lobby (times in UTC):");
        std::vector<std::string> texts;
        for (const auto& line : lines) {
            CAPTURE(line);
            std::smatch match;
            CHECK(std::regex_match(line, match, entry));
            texts.push_back(match.size() > 2 ? match[2].str() : line);
        }
        CHECK(texts == expected);
    }
}

// 6. A node dies.

TEST_CASE("Cluster: the users of a node killed with SIGKILL leave the room on the other nodes within the lease") {
    ClusterFixture cluster;
    User amy = User::guest(cluster, 1, "amy");
    User abe = User::guest(cluster, 1, "abe");
    User bob = User::guest(cluster, 2, "bob");
    User cat = User::guest(cluster, 3, "cat");
    CHECK(bob.lines({"cat has entered the room."}));
    CHECK(cat.look_names() == std::vector<std::string>{"abe", "amy", "bob", "cat"});

    CHECK(cluster.kill9(1) == 128 + SIGKILL);
    const auto killed = Clock::now();
    for (auto* user : {&bob, &cat}) {
        const auto left = std::max(std::chrono::duration_cast<Millis>(killed + crash_noticed - Clock::now()), Millis{0});
        CHECK(user->lines({"amy has left the room.", "abe has left the room."}, left));
    }
    for (auto* user : {&bob, &cat}) {
        CAPTURE(user->who());
        CHECK(user->who_names() == std::vector<std::string>{"bob", "cat"});
        CHECK(user->look_names() == std::vector<std::string>{"bob", "cat"});
    }
    User again = User::guest(cluster, 2, "amy");
    CHECK(cat.line("amy has entered the room."));
    CHECK(bob.line("amy has entered the room."));
}

// 7. Redis dies and comes back.

TEST_CASE("Cluster: with Redis killed each node chats alone and refuses new names until Redis is back") {
    ClusterFixture cluster;
    User amy = User::guest(cluster, 1, "amy");
    User abe = User::guest(cluster, 1, "abe");
    User bob = User::guest(cluster, 2, "bob");
    User cat = User::guest(cluster, 3, "cat");
    CHECK(bob.line("cat has entered the room."));
    CHECK(amy.lines({"abe has entered the room.", "bob has entered the room.", "cat has entered the room."}));
    CHECK(abe.lines({"bob has entered the room.", "cat has entered the room."}));
    User newcomer = User::connected(cluster, 2, "a newcomer");
    User other_newcomer = User::connected(cluster, 1, "another newcomer");

    cluster.redis().kill9();
    all_get({&amy, &abe, &bob, &cat}, link_lost, link_lost_within);

    amy.send("say just us here");
    CHECK(amy.line("amy: just us here"));
    CHECK(abe.line("amy: just us here"));
    abe.send("tell amy still you");
    CHECK(amy.line("abe tells you: still you"));
    newcomer.send("login dan");
    CHECK(newcomer.line(reconnecting));
    newcomer.send("hello");  // still at the login prompt
    CHECK(newcomer.line("Please log in"));
    other_newcomer.send("login eve");
    CHECK(other_newcomer.line(reconnecting));

    cluster.redis().restart();
    all_get({&amy, &abe, &bob, &cat}, link_restored, link_back_within);

    bob.send("say back together");
    all_get({&amy, &abe, &bob, &cat}, "bob: back together");
    amy.send("tell cat welcome back");
    CHECK(cat.line("amy tells you: welcome back"));
    CHECK(cat.who_names() == std::vector<std::string>{"abe", "amy", "bob", "cat"});
    CHECK(bob.look_names() == std::vector<std::string>{"abe", "amy", "bob", "cat"});
    newcomer.send("login amy");
    CHECK(newcomer.line("The name \"amy\" is taken."));
    CHECK(newcomer.line("Please try again."));
    log_in(newcomer.client(), "dan");
    CHECK(amy.line("dan has entered the room."));
    CHECK(cat.line("dan has entered the room."));
}

// 8. Redis stalls, or drops the subscribers.

TEST_CASE("Cluster: a Redis paused for three seconds loses the link for a while and then chat goes on") {
    ClusterFixture cluster;
    auto [amy, bob, cat] = one_per_node(cluster);

    const auto paused = cluster.redis().cli({"CLIENT", "PAUSE", "3000"});
    CHECK(paused.status == 0);
    CHECK(paused.out.find("OK") != std::string::npos);
    all_get({&amy, &bob, &cat}, link_lost, link_lost_within);
    all_get({&amy, &bob, &cat}, link_restored, Millis{3000} + link_back_within);

    bob.send("say still with you");
    all_get({&amy, &bob, &cat}, "bob: still with you");
    amy.send("tell cat and you");
    CHECK(cat.line("amy tells you: and you"));
}

TEST_CASE("Cluster: a Redis that forgot its scripts still carries says and moves and logins") {
    ClusterFixture cluster;
    auto [amy, bob, cat] = one_per_node(cluster);
    const auto flushed = cluster.redis().cli({"SCRIPT", "FLUSH"});
    CHECK(flushed.status == 0);
    CHECK(flushed.out.find("OK") != std::string::npos);
    // Each of these runs a script: the line, the move, the new name.
    bob.send("say after the flush");
    all_get({&amy, &bob, &cat}, "bob: after the flush");
    cat.send("join cellar");
    CHECK(cat.line("You are now in cellar."));
    all_get({&amy, &bob}, "cat has left the room.");
    User dan = User::guest(cluster, 1, "dan");
    all_get({&amy, &bob}, "dan has entered the room.");
    CHECK(bob.who_names() == std::vector<std::string>{"amy", "bob", "cat", "dan"});
}

TEST_CASE("Cluster: after Redis kills the subscriber connections cross-node says arrive again") {
    ClusterFixture cluster;
    auto [amy, bob, cat] = one_per_node(cluster);

    const auto killed = cluster.redis().cli({"CLIENT", "KILL", "TYPE", "pubsub"});
    CHECK(killed.status == 0);
    // Probes until each other node has its subscriber back; lines said
    // meanwhile may be lost.
    std::vector<User*> deaf{&amy, &cat};
    const auto deadline = Clock::now() + link_back_within;
    for (int k = 1; !deaf.empty() && Clock::now() < deadline && k < 100; ++k) {
        bob.send("say probe " + std::to_string(k));
        const auto slice = Clock::now() + Millis{500};
        std::erase_if(deaf, [&](User* user) {
            const auto left = std::max(std::chrono::duration_cast<Millis>(slice - Clock::now()), Millis{1});
            return user->client().read_until([](std::string_view l) { return l.starts_with("bob: probe "); }, left)
                .has_value();
        });
    }
    for (auto* user : deaf) {
        FAIL_CHECK(user->who() << " heard none of bob's probes within " << link_back_within.count()
                               << " ms of CLIENT KILL TYPE pubsub" << log_tails(cluster));
    }
    // Now from every node to every node.
    for (auto* speaker : {&amy, &bob, &cat}) {
        const std::string text = "after recovery from " + ClusterFixture::node_id(speaker->node());
        speaker->send("say " + text);
        all_get({&amy, &bob, &cat}, speaker->name() + ": " + text);
    }
}

// 9. Operators.

TEST_CASE("Cluster: operators see each remote user's node in who") {
    ClusterFixture cluster;
    User root = User::account(cluster, 1, cluster_root);
    User bob = User::guest(cluster, 2, "bob");
    User cat = User::guest(cluster, 3, "cat");
    User boss = User::account(cluster, 3, cluster_boss);
    CHECK(root.lines({"bob has entered the room.", "cat has entered the room.", "boss has entered the room."}));
    const auto node_of = [](const std::vector<std::string>& lines, std::string_view name) -> std::optional<std::string> {
        for (const auto& line : lines) {
            if (names_user(line, name)) return line;
        }
        return std::nullopt;
    };
    const auto root_view = root.reply("who", "The following are logged in:");
    const auto root_text = joined(root_view);
    CAPTURE(root_text);
    const auto root_line = node_of(root_view, "root");
    const auto bob_line = node_of(root_view, "bob");
    const auto cat_line = node_of(root_view, "cat");
    REQUIRE(root_line);
    REQUIRE(bob_line);
    REQUIRE(cat_line);
    CHECK(root_line->find(" on node ") == std::string::npos);  // local: as on one server
    CHECK(root_line->find(" from 127.0.0.1 via telnet") != std::string::npos);
    CHECK(bob_line->ends_with(" on node n2"));
    CHECK(bob_line->find(" from 127.0.0.1 via telnet on node n2") != std::string::npos);
    CHECK(cat_line->ends_with(" on node n3"));

    const auto boss_view = boss.reply("who", "The following are logged in:");
    const auto boss_text = joined(boss_view);
    CAPTURE(boss_text);
    const auto seen_root = node_of(boss_view, "root");
    REQUIRE(seen_root);
    CHECK(seen_root->ends_with(" on node n1"));
    const auto seen_cat = node_of(boss_view, "cat");
    REQUIRE(seen_cat);
    CHECK(seen_cat->find(" on node ") == std::string::npos);

    // Others see no addresses and no nodes.
    for (const auto& line : cat.reply("who", "The following are logged in:")) {
        CAPTURE(line);
        CHECK(line.find(" on node ") == std::string::npos);
        CHECK(line.find("127.0.0.") == std::string::npos);
    }
}

TEST_CASE("Cluster: an operator's kick and announce reach users on other nodes") {
    ClusterFixture cluster;
    User root = User::account(cluster, 1, cluster_root);
    User bob = User::guest(cluster, 2, "bob");
    User dan = User::guest(cluster, 2, "dan");
    User cat = User::guest(cluster, 3, "cat");
    CHECK(root.lines({"bob has entered the room.", "dan has entered the room.", "cat has entered the room."}));
    CHECK(bob.lines({"dan has entered the room.", "cat has entered the room."}));
    CHECK(dan.line("cat has entered the room."));

    root.send("kick bob too loud");
    CHECK(bob.line("*** You have been kicked by root: too loud"));
    CHECK(bob.closed());
    CHECK(root.lines({"Kicked bob.", "bob has left the room."}));
    for (auto* user : {&dan, &cat}) CHECK(user->line("bob has left the room."));
    for (auto* user : {&root, &dan, &cat}) {
        CAPTURE(user->who());
        CHECK(user->who_names() == std::vector<std::string>{"cat", "dan", "root"});
    }

    root.send("announce tea is ready");
    all_get({&root, &dan, &cat}, "*** Announcement from root: tea is ready");
    for (auto* user : {&root, &dan, &cat}) CHECK(user->nothing_before_sentinel());

    root.send("kick nobody");
    CHECK(root.line("No one called \"nobody\" is logged in."));
}

TEST_CASE("Cluster: an operator's ban of a name disconnects its user on another node and holds on every node") {
    ClusterFixture cluster;
    User root = User::account(cluster, 1, cluster_root);
    User dan = User::guest(cluster, 2, "dan");
    User cat = User::guest(cluster, 3, "cat");
    CHECK(root.lines({"dan has entered the room.", "cat has entered the room."}));
    CHECK(dan.line("cat has entered the room."));

    root.send("ban dan");
    CHECK(dan.line("*** You have been banned by root."));
    CHECK(dan.closed());
    CHECK(root.line("Banned name dan for good.", slow));
    CHECK(cat.line("dan has left the room."));
    CHECK(cat.who_names() == std::vector<std::string>{"cat", "root"});

    for (int n : {3, 2}) {
        User again = User::connected(cluster, n, "dan again");
        again.send("login dan");
        CHECK(again.line("You are banned from this server."));
        CHECK(again.closed());
    }
}
