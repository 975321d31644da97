// The account store in one SQLite file (the default back end), with the
// schema upgraded step by step from any earlier version. One connection
// behind a mutex: every method is safe to call from any thread, and may wait
// for the disk (fsync on every commit).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "src/account_store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace natter {

class SqliteAccountStore final : public AccountStore {
public:
    // Opens (creating the file, its directory and the schema on first use)
    // the database at `path`, in WAL mode with synchronous=FULL.
    [[nodiscard]] static Result<std::unique_ptr<AccountStore>> open(const std::string& path);
    ~SqliteAccountStore() override;

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

private:
    explicit SqliteAccountStore(sqlite3* db) : db_{db} {}
    [[nodiscard]] Result<void> prepare_statements();
    [[nodiscard]] Result<void> migrate();
    [[nodiscard]] Error error(std::string_view doing) const;

    [[nodiscard]] bool exec(const char* sql);
    // Ends a failed transaction; the failure is already being reported.
    void rollback();

    std::mutex mutex_;  // one statement at a time on the one connection
    sqlite3* db_;
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
