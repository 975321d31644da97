// Accounts as the rest of the core uses them: which names are registered
// (or requested and waiting for an operator), who is an operator, which bans
// are in force, the guards against password guessing and against farming
// accounts, and the slow operations (hashing, checking, storing) run off
// the loop — hashing through a bounded queue — so the loop never waits.
// Results come back on the loop thread. Knows nothing of rooms, commands or
// sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "src/account_store.hpp"
#include "src/ban_list.hpp"
#include "src/error.hpp"
#include "src/hashing_queue.hpp"
#include "src/login_guard.hpp"
#include "src/password.hpp"
#include "src/registration_throttle.hpp"

namespace natter {

class World;
class Session;

// A change to an account that other nodes of a cluster must know of.
enum class AccountChange { registered, requested, approved, removed };

class Accounts {
public:
    explicit Accounts(World& world);
    ~Accounts();
    Accounts(const Accounts&) = delete;
    Accounts& operator=(const Accounts&) = delete;

    // Opens the store (upgrading its schema), removes accounts past
    // [accounts] expire_after_days, and loads the names and the bans. At
    // start-up only, before the loop runs (it waits for the disk, or for
    // the PostgreSQL server [accounts] postgres names).
    [[nodiscard]] Result<void> open(const Config::Accounts& where);
    // Without a store every name is a guest's and nothing can be registered.
    [[nodiscard]] bool available() const { return store_ != nullptr; }

    // An account or a request: logging in with the name needs its password.
    [[nodiscard]] bool is_registered(std::string_view name) const;
    // A request (with [accounts] approval) not yet approved.
    [[nodiscard]] bool is_request(std::string_view name) const;
    // What another node of the cluster did to an account, stored there
    // already: this node's view of which names are registered follows.
    void note_account(std::string_view name, AccountChange change);
    // A logged-in session that proved its name and is listed in [operators].
    [[nodiscard]] bool is_operator(const Session& session) const;
    // The name is listed in [operators] names.
    [[nodiscard]] bool is_operator_name(std::string_view name) const;

    // --- bans (in memory at once; the store follows on a worker thread)
    [[nodiscard]] const Ban* ban_on_name(std::string_view name) const;
    [[nodiscard]] const Ban* ban_on_address(std::string_view address) const;
    [[nodiscard]] const std::vector<Ban>& bans() const { return bans_.all(); }
    // `done` gets the outcome of storing it; the ban applies already.
    void ban(Ban ban, std::function<void(Result<void>)> done);
    // A ban another node stored already: applied here too, not stored again.
    void apply_ban(Ban ban) { bans_.put(std::move(ban)); }
    // `done` gets whether there was such a ban; it is lifted once stored.
    void unban(std::string target, std::function<void(Result<bool>)> done);
    // Why a connection from `address` is refused (a ban, too many failed
    // logins), or nullopt.
    [[nodiscard]] std::optional<std::string> refusal_for_address(std::string_view address) const;

    [[nodiscard]] LoginGuard& guard() { return guard_; }

    // Why registering `name` from `address` may not go ahead now — one line
    // saying when to try again — or nullopt. Operators' names are never
    // refused. Logs the first refusal of an episode, not every one.
    [[nodiscard]] std::optional<std::string> registration_refusal(std::string_view address, std::string_view name);

    // --- the slow operations; the secrets are taken (and wiped) at once.
    // Each returns false when the hashing queue is full: then nothing was
    // started and `done` is never called (tell the user the server is
    // busy). `session` is the id of the session asking (0: none); if it has
    // gone when the queued work's turn comes, the work is dropped.
    enum class Check { right, wrong, no_account };
    struct Checked {
        Check outcome = Check::wrong;
        std::string name{};  // as registered, when right
        bool approved = true;  // false: right, but a request still waiting
        AccountStore::Settings settings{};  // the account's, when right
        std::size_t unread_mail = 0;  // when right: how many of its messages are new
    };
    [[nodiscard]] bool check_password(std::uint64_t session, std::string name, std::string& password,
                                      std::function<void(Result<Checked>)> done);
    struct NewAccount {
        std::string name;
        // Counted against the registration throttle while under way, and
        // for good once stored; empty (or an operator's name): not counted.
        std::string address;
        bool request = false;  // stored as a request waiting for approval
    };
    // `done` gets false if the name was registered meanwhile.
    [[nodiscard]] bool create(std::uint64_t session, NewAccount account, std::string& password,
                              std::function<void(Result<bool>)> done);
    // `done` gets right (changed), wrong (old password wrong) or no_account.
    [[nodiscard]] bool change_password(std::uint64_t session, std::string name, std::string& old_password,
                                       std::string& new_password, std::function<void(Result<Check>)> done);

    // Stores one of a registered name's settings (an empty value removes
    // it), on a worker thread; a failure is logged.
    void save_setting(std::string name, std::string key, std::string value);

    // A registered user's session ended after `seconds_online`: their last
    // seen time and total time online are stored. Sessions that end while
    // a write is under way go together in the next one (a shutdown ends
    // thousands at once), so this costs one transaction per batch.
    void record_logout(std::string name, std::int64_t seconds_online);

    // --- reading and changing what belongs to an account, on a worker
    // thread, `done` on the loop thread (the asking session may have gone).
    // `done` gets nullopt for a name with no account.
    void card(std::string name, std::function<void(Result<std::optional<AccountStore::Card>>)> done);
    enum class MailSent { stored, mailbox_full, no_account };
    // Mail from `from` (registered) to the account `to`, at most [accounts]
    // mailbox_max kept. Mail to someone who ignores the sender is dropped
    // and reported as stored, as an ignored tell is.
    void send_mail(std::string from, std::string to, std::string body, std::function<void(Result<MailSent>)> done);
    void mail(std::string name, std::function<void(Result<std::vector<AccountStore::Mail>>)> done);
    void read_mail(std::string name, std::size_t index,
                   std::function<void(Result<std::optional<AccountStore::Mail>>)> done);
    void delete_mail(std::string name, std::size_t index, std::function<void(Result<bool>)> done);
    void delete_all_mail(std::string name, std::function<void(Result<std::size_t>)> done);

    // Stores a permanent room's topic (an empty text removes it), on a
    // worker thread; a failure is logged.
    void save_topic(RoomTopic topic);

    // --- the operators' tools: database work on a worker thread, `done`
    // on the loop thread, the names in memory changed once it is stored.
    void list(std::string prefix, std::size_t limit, AccountStore::Which which,
              std::function<void(Result<AccountPage>)> done);
    // `done` gets false if there was no such request.
    void approve(std::string name, std::function<void(Result<bool>)> done);
    // `done` gets false if there was no such account (or request).
    void remove(std::string name, AccountStore::Which which, std::function<void(Result<bool>)> done);

    // Removes the accounts unused for [accounts] expire_after_days (never an
    // operator's, nor one in use now), at most once a day. Call about once
    // a second; cheap when nothing is due.
    void expire_if_due();

    // How many hashes run at once for the configured hashing_memory_mb.
    [[nodiscard]] std::size_t hashing_workers() const;
    [[nodiscard]] const HashingQueue& hashing() const { return hashing_; }

private:
    [[nodiscard]] static std::int64_t unix_now();
    [[nodiscard]] std::int64_t wall_unix() const;
    [[nodiscard]] HashingQueue::Limits hashing_limits() const;
    [[nodiscard]] std::function<bool()> wanted_by(std::uint64_t session) const;
    [[nodiscard]] std::vector<std::string> never_expiring() const;
    void forget_names(const std::vector<std::string>& names);
    // Writes the logouts recorded since the last write, if none is under way.
    void write_logouts();

    World& world_;
    std::unique_ptr<AccountStore> store_;
    std::unordered_set<std::string> registered_;  // name keys, requests too; the store is the truth
    std::unordered_set<std::string> requests_;    // name keys of requests
    BanList bans_;
    LoginGuard guard_;
    RegistrationThrottle throttle_;
    HashingQueue hashing_;
    std::chrono::system_clock::time_point next_expiry_{};
    bool expiring_ = false;  // a sweep is running on a worker thread
    std::vector<AccountStore::Logout> logouts_;  // waiting for the next write
    bool writing_logouts_ = false;               // a write is under way
};

}  // namespace natter
