// The account store in a PostgreSQL database ([accounts] postgres, a libpq
// connection string), for several natterd, on several machines, sharing one
// set of accounts. Same tables, columns and meaning as the SQLite file; name
// keys are computed here (names.hpp) and compared byte for byte (COLLATE
// "C"), so case-insensitivity and order are the SQLite store's.
//
// libpq's blocking calls are used as they are: every method already runs on
// a Background worker thread (or at start-up before the loop runs), never on
// the event loop, exactly like the SQLite store's disk waits. One connection
// behind a mutex: one statement at a time. A connection found broken after a
// failure is reset once (and a read retried once); a failure is an Error
// with a one-line message, never an exception.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/account_store.hpp"

struct pg_conn;
struct pg_result;

namespace natter {

class PostgresAccountStore final : public AccountStore {
public:
    // Connects (with connect_timeout=5 unless the string sets one, and a
    // statement_timeout) and creates the schema on first use, in one
    // transaction. An unreachable server is an error naming it.
    [[nodiscard]] static Result<std::unique_ptr<AccountStore>> open(const std::string& conninfo);
    ~PostgresAccountStore() override;

    [[nodiscard]] Result<int> stored_schema_version() override;
    [[nodiscard]] Result<std::optional<Account>> find(std::string_view name) override;
    [[nodiscard]] Result<bool> create(std::string_view name, std::string_view hash, std::int64_t now,
                                      bool approved) override;
    [[nodiscard]] Result<bool> set_hash(std::string_view name, std::string_view hash) override;
    [[nodiscard]] Result<bool> record_login(std::string_view name, std::int64_t now) override;
    [[nodiscard]] Result<bool> approve(std::string_view name) override;
    [[nodiscard]] Result<bool> remove(std::string_view name, Which which) override;
    [[nodiscard]] Result<std::vector<std::string>> expire(std::int64_t cutoff,
                                                          const std::vector<std::string>& keep) override;
    [[nodiscard]] Result<std::vector<std::string>> names() override;
    [[nodiscard]] Result<AccountPage> list(std::string_view prefix, std::size_t limit, Which which) override;
    [[nodiscard]] Result<void> put_ban(const Ban& ban) override;
    [[nodiscard]] Result<bool> remove_ban(std::string_view target) override;
    [[nodiscard]] Result<std::vector<Ban>> bans() override;
    [[nodiscard]] Result<Settings> settings(std::string_view name) override;
    [[nodiscard]] Result<bool> put_setting(std::string_view name, std::string_view key, std::string_view value) override;
    [[nodiscard]] Result<std::optional<Card>> card(std::string_view name) override;
    [[nodiscard]] Result<void> record_logouts(const std::vector<Logout>& logouts) override;
    [[nodiscard]] Result<MailDrop> put_mail(std::string_view to, std::string_view sender, std::string_view body,
                                    std::int64_t sent, std::size_t mailbox_max) override;
    [[nodiscard]] Result<std::vector<Mail>> mail(std::string_view name) override;
    [[nodiscard]] Result<std::optional<Mail>> read_mail(std::string_view name, std::size_t index) override;
    [[nodiscard]] Result<bool> delete_mail(std::string_view name, std::size_t index) override;
    [[nodiscard]] Result<std::size_t> delete_all_mail(std::string_view name) override;
    [[nodiscard]] Result<std::size_t> unread_mail(std::string_view name) override;
    [[nodiscard]] Result<std::vector<RoomTopic>> topics() override;
    [[nodiscard]] Result<void> put_topic(const RoomTopic& topic) override;

    // A query's parameters, as text; nullopt is SQL NULL.
    using Param = std::optional<std::string>;

private:
    struct ResultFree {
        void operator()(pg_result* result) const;
    };
    using Rows = std::unique_ptr<pg_result, ResultFree>;
    // Whether a statement may run again after the connection was reset:
    // only one that changes nothing.
    enum class Retry { no, once };

    explicit PostgresAccountStore(pg_conn* conn) : conn_{conn} {}
    [[nodiscard]] Result<void> create_schema();
    // Runs one statement; its rows, or an Error "doing: why".
    [[nodiscard]] Result<Rows> run(const char* sql, const std::vector<Param>& params, std::string_view doing,
                                   Retry retry);
    // `body` between BEGIN and COMMIT; a failure rolls back.
    template <class T, class Body>
    [[nodiscard]] Result<T> in_transaction(std::string_view doing, Body body);
    void rollback();
    [[nodiscard]] Result<Settings> settings_locked(std::string_view key);

    std::mutex mutex_;  // one statement at a time on the one connection
    pg_conn* conn_;
};

}  // namespace natter
