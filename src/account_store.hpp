// The durable record of accounts (name → argon2id hash, when registered,
// when last used, whether an operator approved it, how long it was online),
// what belongs to them (settings, mail), bans and the permanent rooms'
// topics, in one SQLite file, with the schema upgraded step by step from any
// earlier version. Knows nothing of sessions, rooms or the event loop. Every
// method is safe to call from any thread (one connection behind a mutex), and
// every method may wait for the disk: call them from Background work, except
// at start-up before the loop runs.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/error.hpp"
#include "src/room_topic.hpp"

struct sqlite3;
struct sqlite3_stmt;

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

    // Opens (creating the file, its directory and the schema on first use)
    // the database at `path`, in WAL mode with synchronous=FULL.
    [[nodiscard]] static Result<std::unique_ptr<AccountStore>> open(const std::string& path);
    ~AccountStore();
    AccountStore(const AccountStore&) = delete;
    AccountStore& operator=(const AccountStore&) = delete;

    [[nodiscard]] Result<int> stored_schema_version();
    // The version the file had before open() upgraded it (the current one
    // if it needed nothing; 0 for a new file).
    [[nodiscard]] int upgraded_from() const { return upgraded_from_; }

    // The account of `name` (case-insensitive), or nullopt.
    [[nodiscard]] Result<std::optional<Account>> find(std::string_view name);
    // False if the name (case-insensitively) is registered already (or
    // requested). `now` is its registration and first use, in Unix seconds.
    [[nodiscard]] Result<bool> create(std::string_view name, std::string_view hash, std::int64_t now,
                                      bool approved = true);
    // False if there is no such account.
    [[nodiscard]] Result<bool> set_hash(std::string_view name, std::string_view hash);
    // Notes a successful login at `now`; false if there is no such account.
    [[nodiscard]] Result<bool> record_login(std::string_view name, std::int64_t now);
    // Turns a request into an account; false if there was no such request.
    [[nodiscard]] Result<bool> approve(std::string_view name);
    enum class Which { any, request };
    // Removes an account, or with Which::request only a request, with what
    // belongs to it; false if there was none.
    [[nodiscard]] Result<bool> remove(std::string_view name, Which which = Which::any);
    // Removes every account last used before `cutoff` (Unix seconds) whose
    // name key is not in `keep`; returns the names removed.
    [[nodiscard]] Result<std::vector<std::string>> expire(std::int64_t cutoff, const std::vector<std::string>& keep);
    // Every registered (or requested) name, as registered.
    [[nodiscard]] Result<std::vector<std::string>> names();
    // The accounts (or only the requests) whose names start with `prefix`
    // (ignoring case), by name, at most `limit` of them, and how many matched.
    [[nodiscard]] Result<AccountPage> list(std::string_view prefix, std::size_t limit, Which which = Which::any);

    // Adds a ban, replacing any ban on the same target.
    [[nodiscard]] Result<void> put_ban(const Ban& ban);
    // False if the target was not banned.
    [[nodiscard]] Result<bool> remove_ban(std::string_view target);
    [[nodiscard]] Result<std::vector<Ban>> bans();

    // What a registered user keeps from one login to the next, by key
    // ("client": the `client` command's settings, and so on). They go with
    // the account when it is removed.
    using Settings = std::vector<std::pair<std::string, std::string>>;
    [[nodiscard]] Result<Settings> settings(std::string_view name);
    // Sets one (an empty value removes it); false if there is no such account.
    [[nodiscard]] Result<bool> put_setting(std::string_view name, std::string_view key, std::string_view value);

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
    [[nodiscard]] Result<std::optional<Card>> card(std::string_view name);
    // Sessions that ended: each account's last_seen moves on to `at` and its
    // time online grows by `seconds_online`; all in one transaction.
    struct Logout {
        std::string name;
        std::int64_t at = 0;
        std::int64_t seconds_online = 0;
    };
    [[nodiscard]] Result<void> record_logouts(const std::vector<Logout>& logouts);

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
    [[nodiscard]] Result<MailDrop> put_mail(std::string_view to, std::string_view sender, std::string_view body,
                                            std::int64_t sent, std::size_t mailbox_max);
    [[nodiscard]] Result<std::vector<Mail>> mail(std::string_view name);
    // The message at `index` (0: the oldest), marked read; nullopt if none.
    [[nodiscard]] Result<std::optional<Mail>> read_mail(std::string_view name, std::size_t index);
    // False if there was no message at `index`.
    [[nodiscard]] Result<bool> delete_mail(std::string_view name, std::size_t index);
    // How many were deleted.
    [[nodiscard]] Result<std::size_t> delete_all_mail(std::string_view name);
    [[nodiscard]] Result<std::size_t> unread_mail(std::string_view name);

    // The permanent rooms' topics, by room name; put_topic with an empty
    // text removes a room's.
    [[nodiscard]] Result<std::vector<RoomTopic>> topics();
    [[nodiscard]] Result<void> put_topic(const RoomTopic& topic);

private:
    explicit AccountStore(sqlite3* db) : db_{db} {}
    [[nodiscard]] Result<void> prepare_statements();
    [[nodiscard]] Result<void> migrate();
    [[nodiscard]] Error error(std::string_view doing) const;

    [[nodiscard]] bool exec(const char* sql);
    // Ends a failed transaction; the failure is already being reported.
    void rollback();

    std::mutex mutex_;  // one statement at a time on the one connection
    sqlite3* db_;
    int upgraded_from_ = 0;
    sqlite3_stmt* find_ = nullptr;
    sqlite3_stmt* create_ = nullptr;
    sqlite3_stmt* set_hash_ = nullptr;
    sqlite3_stmt* record_login_ = nullptr;
    sqlite3_stmt* approve_ = nullptr;
    sqlite3_stmt* remove_ = nullptr;
    sqlite3_stmt* expiring_ = nullptr;
    sqlite3_stmt* names_ = nullptr;
    sqlite3_stmt* list_ = nullptr;
    sqlite3_stmt* count_ = nullptr;
    sqlite3_stmt* put_ban_ = nullptr;
    sqlite3_stmt* remove_ban_ = nullptr;
    sqlite3_stmt* bans_ = nullptr;
    sqlite3_stmt* settings_ = nullptr;
    sqlite3_stmt* put_setting_ = nullptr;
    sqlite3_stmt* remove_setting_ = nullptr;
    sqlite3_stmt* version_ = nullptr;
    sqlite3_stmt* card_ = nullptr;
    sqlite3_stmt* record_logout_ = nullptr;
    sqlite3_stmt* put_mail_ = nullptr;
    sqlite3_stmt* mail_ = nullptr;
    sqlite3_stmt* mail_at_ = nullptr;
    sqlite3_stmt* mark_read_ = nullptr;
    sqlite3_stmt* delete_mail_ = nullptr;
    sqlite3_stmt* delete_all_mail_ = nullptr;
    sqlite3_stmt* unread_mail_ = nullptr;
    sqlite3_stmt* topics_ = nullptr;
    sqlite3_stmt* put_topic_ = nullptr;
    sqlite3_stmt* remove_topic_ = nullptr;
};

}  // namespace natter
