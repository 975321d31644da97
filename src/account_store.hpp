// The durable record of accounts (name → argon2id hash, when registered,
// when last used, whether an operator approved it, how long it was online),
// what belongs to them (settings, mail), bans and the permanent rooms'
// topics. An interface with two back ends: an SQLite file
// (SqliteAccountStore, the default) and a PostgreSQL database
// (PostgresAccountStore, [accounts] postgres) that several natterd on
// several machines can share. Knows nothing of sessions, rooms or the event
// loop. Every method is safe to call from any thread, and every method may
// wait for the disk or the network: call them from Background work, except
// at start-up before the loop runs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/config.hpp"
#include "src/error.hpp"
#include "src/room_topic.hpp"

namespace natter {

struct Account {
    std::string name;  // as registered (its case is kept)
    std::string hash;  // argon2id string from hash_password()
    bool approved = true;  // false: a request waiting for an operator
};

// What the operators' listing shows of an account; times in Unix seconds.
struct AccountInfo {
    std::string name;
    std::int64_t created = 0;
    std::int64_t last_login = 0;  // the registration counts as the first use
    bool approved = true;
};

struct AccountPage {
    std::vector<AccountInfo> accounts;  // by name, at most the limit asked for
    std::size_t total = 0;              // how many matched in all
};

struct Ban {
    std::string target;                  // a name (any case) or a numeric address
    bool is_address = false;
    std::optional<std::int64_t> expires;  // Unix seconds; nullopt = never
    std::string reason;
    std::string by;  // the operator's name
};

class AccountStore {
public:
    // The schema this build writes. A database with a newer one is refused;
    // an older one is upgraded, one step per version, in one transaction.
    static constexpr int schema_version = 4;

    // The back end the configuration names: PostgreSQL when `postgres` is
    // set, else the SQLite file `database`. Creates the schema on first use.
    [[nodiscard]] static Result<std::unique_ptr<AccountStore>> open(const Config::Accounts& config);
    virtual ~AccountStore() = default;
    AccountStore(const AccountStore&) = delete;
    AccountStore& operator=(const AccountStore&) = delete;

    [[nodiscard]] virtual Result<int> stored_schema_version() = 0;
    // The version the database had before open() upgraded it (the current
    // one if it needed nothing; 0 for a new one).
    [[nodiscard]] int upgraded_from() const { return upgraded_from_; }

    // The account of `name` (case-insensitive), or nullopt.
    [[nodiscard]] virtual Result<std::optional<Account>> find(std::string_view name) = 0;
    // False if the name (case-insensitively) is registered already (or
    // requested). `now` is its registration and first use, in Unix seconds.
    [[nodiscard]] virtual Result<bool> create(std::string_view name, std::string_view hash, std::int64_t now,
                                      bool approved = true) = 0;
    // False if there is no such account.
    [[nodiscard]] virtual Result<bool> set_hash(std::string_view name, std::string_view hash) = 0;
    // Notes a successful login at `now`; false if there is no such account.
    [[nodiscard]] virtual Result<bool> record_login(std::string_view name, std::int64_t now) = 0;
    // Turns a request into an account; false if there was no such request.
    [[nodiscard]] virtual Result<bool> approve(std::string_view name) = 0;
    enum class Which { any, request };
    // Removes an account, or with Which::request only a request, with what
    // belongs to it; false if there was none.
    [[nodiscard]] virtual Result<bool> remove(std::string_view name, Which which = Which::any) = 0;
    // Removes every account last used before `cutoff` (Unix seconds) whose
    // name key is not in `keep`; returns the names removed.
    [[nodiscard]] virtual Result<std::vector<std::string>> expire(std::int64_t cutoff, const std::vector<std::string>& keep) = 0;
    // Every registered (or requested) name, as registered.
    [[nodiscard]] virtual Result<std::vector<std::string>> names() = 0;
    // The accounts (or only the requests) whose names start with `prefix`
    // (ignoring case), by name, at most `limit` of them, and how many matched.
    [[nodiscard]] virtual Result<AccountPage> list(std::string_view prefix, std::size_t limit, Which which = Which::any) = 0;

    // Adds a ban, replacing any ban on the same target.
    [[nodiscard]] virtual Result<void> put_ban(const Ban& ban) = 0;
    // False if the target was not banned.
    [[nodiscard]] virtual Result<bool> remove_ban(std::string_view target) = 0;
    [[nodiscard]] virtual Result<std::vector<Ban>> bans() = 0;

    // What a registered user keeps from one login to the next, by key
    // ("client": the `client` command's settings, and so on). They go with
    // the account when it is removed.
    using Settings = std::vector<std::pair<std::string, std::string>>;
    [[nodiscard]] virtual Result<Settings> settings(std::string_view name) = 0;
    // Sets one (an empty value removes it); false if there is no such account.
    [[nodiscard]] virtual Result<bool> put_setting(std::string_view name, std::string_view key, std::string_view value) = 0;

    // What `examine` and `seen` show of an account whose owner is away;
    // times in Unix seconds (last_seen 0: not logged out since it was kept).
    struct Card {
        std::string name;
        std::int64_t created = 0;
        std::int64_t last_login = 0;
        std::int64_t last_seen = 0;    // the end of its latest session
        std::int64_t time_online = 0;  // seconds
        bool approved = true;
        Settings settings;
    };
    [[nodiscard]] virtual Result<std::optional<Card>> card(std::string_view name) = 0;
    // Sessions that ended: each account's last_seen moves on to `at` and its
    // time online grows by `seconds_online`; all in one transaction.
    struct Logout {
        std::string name;
        std::int64_t at = 0;
        std::int64_t seconds_online = 0;
    };
    [[nodiscard]] virtual Result<void> record_logouts(const std::vector<Logout>& logouts) = 0;

    // Mail kept for an account until its owner deletes it, oldest first.
    struct Mail {
        std::int64_t id = 0;
        std::string sender;
        std::int64_t sent = 0;  // Unix seconds
        std::string body;
        bool unread = true;
    };
    enum class MailDrop { stored, mailbox_full, no_account };
    // Leaves `body` from `sender` for the account `to` unless it already
    // holds `mailbox_max` messages.
    [[nodiscard]] virtual Result<MailDrop> put_mail(std::string_view to, std::string_view sender, std::string_view body,
                                            std::int64_t sent, std::size_t mailbox_max) = 0;
    [[nodiscard]] virtual Result<std::vector<Mail>> mail(std::string_view name) = 0;
    // The message at `index` (0: the oldest), marked read; nullopt if none.
    [[nodiscard]] virtual Result<std::optional<Mail>> read_mail(std::string_view name, std::size_t index) = 0;
    // False if there was no message at `index`.
    [[nodiscard]] virtual Result<bool> delete_mail(std::string_view name, std::size_t index) = 0;
    // How many were deleted.
    [[nodiscard]] virtual Result<std::size_t> delete_all_mail(std::string_view name) = 0;
    [[nodiscard]] virtual Result<std::size_t> unread_mail(std::string_view name) = 0;

    // The permanent rooms' topics, by room name; put_topic with an empty
    // text removes a room's.
    [[nodiscard]] virtual Result<std::vector<RoomTopic>> topics() = 0;
    [[nodiscard]] virtual Result<void> put_topic(const RoomTopic& topic) = 0;

protected:
    AccountStore() = default;

    int upgraded_from_ = 0;  // set by the back end's open()
};

}  // namespace natter
