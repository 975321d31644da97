#include "src/postgres_account_store.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <ctime>
#include <limits>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "src/names.hpp"

namespace natter {
namespace {

// The schema, created whole on first use. The PostgreSQL store begins where
// the SQLite file stands at schema version 4, so no database it made was
// ever at an earlier version; a later change is a new step here as in the
// SQLite store, and schema_version follows both. Times are Unix seconds;
// keys are name_key() of the name (COLLATE "C": compared and ordered byte
// by byte, as SQLite does). What belongs to an account references
// accounts(name_key) ON DELETE CASCADE, so removing the account removes it.
constexpr const char* schema_statements[] = {
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    R"sql(CREATE TABLE accounts (
    name_key    TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    created     BIGINT NOT NULL,
    updated     BIGINT NOT NULL,
    last_login  BIGINT NOT NULL DEFAULT 0,
    approved    BOOLEAN NOT NULL DEFAULT TRUE,
    last_seen   BIGINT NOT NULL DEFAULT 0,
    time_online BIGINT NOT NULL DEFAULT 0
))sql",
    R"sql(CREATE TABLE bans (
    target_key TEXT COLLATE "C" PRIMARY KEY,
    target     TEXT NOT NULL,
    is_address BOOLEAN NOT NULL,
    expires    BIGINT,
    reason     TEXT NOT NULL,
    banned_by  TEXT NOT NULL,
    created    BIGINT NOT NULL
))sql",
    R"sql(CREATE TABLE account_settings (
    name_key TEXT COLLATE "C" NOT NULL REFERENCES accounts(name_key) ON DELETE CASCADE,
    key      TEXT COLLATE "C" NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (name_key, key)
))sql",
    R"sql(CREATE TABLE mail (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name_key TEXT COLLATE "C" NOT NULL REFERENCES accounts(name_key) ON DELETE CASCADE,
    sender   TEXT NOT NULL,
    sent     BIGINT NOT NULL,
    body     TEXT NOT NULL,
    unread   BOOLEAN NOT NULL DEFAULT TRUE
))sql",
    "CREATE INDEX mail_by_owner ON mail (name_key, id)",
    R"sql(CREATE TABLE room_topics (
    room_key TEXT COLLATE "C" PRIMARY KEY,
    room     TEXT NOT NULL,
    topic    TEXT NOT NULL,
    set_by   TEXT NOT NULL,
    set_at   BIGINT NOT NULL
))sql",
};

// Held for the schema transaction: two natterd starting on one new
// database cannot both create it (the second waits, then finds it made).
constexpr const char* schema_lock_key = "7161100412";  // any constant; "natter" on a phone keypad

// Every statement holds a query against a broken connection this long at
// most, so a stuck server delays a worker, never forever.
constexpr const char* statement_timeout_ms = "10000";
constexpr const char* default_connect_timeout_s = "5";

using Param = PostgresAccountStore::Param;

Param text(std::string_view value) { return std::string{value}; }
Param number(std::int64_t value) { return std::to_string(value); }
Param flag(bool value) { return std::string{value ? "true" : "false"}; }

std::int64_t clamp(std::size_t value) {
    return static_cast<std::int64_t>(std::min<std::size_t>(value, std::numeric_limits<std::int64_t>::max()));
}

std::string text_at(const PGresult* rows, int row, int column) {
    return std::string{PQgetvalue(rows, row, column), static_cast<std::size_t>(PQgetlength(rows, row, column))};
}

std::int64_t number_at(const PGresult* rows, int row, int column) {
    const char* value = PQgetvalue(rows, row, column);
    std::int64_t out = 0;
    std::from_chars(value, value + PQgetlength(rows, row, column), out);
    return out;
}

bool flag_at(const PGresult* rows, int row, int column) { return PQgetvalue(rows, row, column)[0] == 't'; }

// How many rows an INSERT, UPDATE or DELETE touched.
std::int64_t changed(const PGresult* rows) {
    const char* count = PQcmdTuples(const_cast<PGresult*>(rows));
    std::int64_t out = 0;
    std::from_chars(count, count + std::char_traits<char>::length(count), out);
    return out;
}

// libpq's messages end in a newline and may go on over several lines (a
// hint on the next, tab-indented); an operator's log gets the first line.
std::string first_line(const char* message) {
    std::string_view text{message != nullptr ? message : ""};
    text = text.substr(0, text.find('\n'));
    while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
    return text.empty() ? std::string{"unknown error"} : std::string{text};
}

// CREATE TABLE IF NOT EXISTS and a ROLLBACK after a reset send notices,
// which libpq would print on stderr; they carry nothing an operator needs.
void ignore_notice(void* /*unused*/, const char* /*message*/) {}

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

AccountStore::Mail mail_at(const PGresult* rows, int row) {
    return AccountStore::Mail{.id = number_at(rows, row, 0),
                              .sender = text_at(rows, row, 1),
                              .sent = number_at(rows, row, 2),
                              .body = text_at(rows, row, 3),
                              .unread = flag_at(rows, row, 4)};
}

}  // namespace

void PostgresAccountStore::ResultFree::operator()(pg_result* result) const { PQclear(result); }

Result<std::unique_ptr<AccountStore>> PostgresAccountStore::open(const std::string& conninfo) {
    // The operator's string first (expand_dbname), then what it leaves
    // unset: a connect timeout, and a statement timeout in the options the
    // server applies to every connection, a reset one too.
    char* why = nullptr;
    PQconninfoOption* given = PQconninfoParse(conninfo.c_str(), &why);
    if (given == nullptr) {
        auto message = fmt::format("[accounts] postgres: not a connection string: {}", first_line(why));
        PQfreemem(why);
        return fail(std::move(message));
    }
    bool has_connect_timeout = false;
    std::string options;
    for (const auto* option = given; option->keyword != nullptr; ++option) {
        if (option->val == nullptr) continue;
        const std::string_view keyword{option->keyword};
        if (keyword == "connect_timeout") has_connect_timeout = true;
        if (keyword == "options") options = option->val;
    }
    PQconninfoFree(given);
    if (options.find("statement_timeout") == std::string::npos) {
        if (!options.empty()) options += ' ';
        options += fmt::format("-c statement_timeout={}", statement_timeout_ms);
    }
    std::vector<const char*> keywords{"dbname", "options", "fallback_application_name"};
    std::vector<const char*> values{conninfo.c_str(), options.c_str(), "natterd"};
    if (!has_connect_timeout) {
        keywords.push_back("connect_timeout");
        values.push_back(default_connect_timeout_s);
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), 1);
    if (conn == nullptr) return fail("[accounts] postgres: cannot connect: out of memory");
    if (PQstatus(conn) != CONNECTION_OK) {
        auto message = fmt::format("[accounts] postgres: cannot connect: {}", first_line(PQerrorMessage(conn)));
        PQfinish(conn);
        return fail(std::move(message));
    }
    PQsetNoticeProcessor(conn, ignore_notice, nullptr);
    std::unique_ptr<PostgresAccountStore> store{new PostgresAccountStore{conn}};
    if (auto created = store->create_schema(); !created) {
        return fail(fmt::format("[accounts] postgres: {}", created.error().message));
    }
    return store;
}

PostgresAccountStore::~PostgresAccountStore() { PQfinish(conn_); }

Result<PostgresAccountStore::Rows> PostgresAccountStore::run(const char* sql, const std::vector<Param>& params,
                                                             std::string_view doing, Retry retry) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
    // Broken since the last statement (which has reported it): nothing of
    // this one was sent yet, so reconnecting first is safe for any statement.
    if (PQstatus(conn_) != CONNECTION_OK) {
        PQreset(conn_);
        if (PQstatus(conn_) != CONNECTION_OK) {
            return fail(fmt::format("{}: no connection to the server: {}", doing, first_line(PQerrorMessage(conn_))));
        }
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
        Rows rows{PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0)};
        const auto status = rows ? PQresultStatus(rows.get()) : PGRES_FATAL_ERROR;
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return rows;
        const char* primary = rows ? PQresultErrorField(rows.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
        Error failure{fmt::format("{}: {}", doing, first_line(primary != nullptr ? primary : PQerrorMessage(conn_)))};
        if (PQstatus(conn_) == CONNECTION_OK) return tl::unexpected{std::move(failure)};
        // The server went away (restarted, failed over, or cut the
        // connection): a new connection, and a read runs once more on it. A
        // write does not: it may have been done before the connection broke.
        PQreset(conn_);
        if (retry == Retry::no || PQstatus(conn_) != CONNECTION_OK) return tl::unexpected{std::move(failure)};
    }
    return fail(fmt::format("{}: the connection to the server broke twice", doing));
}

template <class T, class Body>
Result<T> PostgresAccountStore::in_transaction(std::string_view doing, Body body) {
    // BEGIN changes nothing, so it may be retried on a new connection.
    if (auto begun = run("BEGIN", {}, doing, Retry::once); !begun) return tl::unexpected{begun.error()};
    Result<T> out = body();
    if (!out) {
        rollback();
        return out;
    }
    if (auto committed = run("COMMIT", {}, doing, Retry::no); !committed) {
        rollback();
        return tl::unexpected{committed.error()};
    }
    return out;
}

void PostgresAccountStore::rollback() {
    // The failure is already being reported; on a broken connection the
    // server has rolled back itself.
    if (PQstatus(conn_) == CONNECTION_OK) PQclear(PQexecParams(conn_, "ROLLBACK", 0, nullptr, nullptr, nullptr, nullptr, 0));
}

Result<void> PostgresAccountStore::create_schema() {
    const std::lock_guard lock{mutex_};
    return in_transaction<void>("cannot create the schema", [this]() -> Result<void> {
        if (auto locked = run("SELECT pg_advisory_xact_lock($1::bigint)", {schema_lock_key},
                              "cannot lock the schema", Retry::no);
            !locked) {
            return tl::unexpected{locked.error()};
        }
        // A new database has no version table: version 0.
        auto exists = run("SELECT to_regclass('schema_version') IS NOT NULL", {}, "cannot read the schema version",
                          Retry::no);
        if (!exists) return tl::unexpected{exists.error()};
        int stored = 0;
        if (flag_at(exists->get(), 0, 0)) {
            auto version = run("SELECT coalesce(max(version), 0) FROM schema_version", {},
                               "cannot read the schema version", Retry::no);
            if (!version) return tl::unexpected{version.error()};
            stored = static_cast<int>(number_at(version->get(), 0, 0));
        }
        if (stored > schema_version) {
            return fail(fmt::format("schema version {} is newer than this natterd understands ({})", stored,
                                    schema_version));
        }
        upgraded_from_ = stored;
        if (stored == schema_version) return {};
        if (stored != 0) {
            return fail(fmt::format("schema version {} was never written to PostgreSQL by natterd", stored));
        }
        for (const char* statement : schema_statements) {
            if (auto made = run(statement, {}, "cannot create the schema", Retry::no); !made) {
                return tl::unexpected{made.error()};
            }
        }
        if (auto recorded = run("INSERT INTO schema_version VALUES ($1::integer)", {number(schema_version)},
                                "cannot record the schema version", Retry::no);
            !recorded) {
            return tl::unexpected{recorded.error()};
        }
        return {};
    });
}

Result<int> PostgresAccountStore::stored_schema_version() {
    const std::lock_guard lock{mutex_};
    auto rows = run("SELECT max(version) FROM schema_version", {}, "cannot read the schema version", Retry::once);
    if (!rows) return tl::unexpected{rows.error()};
    return static_cast<int>(number_at(rows->get(), 0, 0));
}

Result<std::optional<Account>> PostgresAccountStore::find(std::string_view name) {
    const std::lock_guard lock{mutex_};
    auto rows = run("SELECT name, hash, approved FROM accounts WHERE name_key = $1", {text(name_key(name))},
                    "cannot read an account", Retry::once);
    if (!rows) return tl::unexpected{rows.error()};
    if (PQntuples(rows->get()) == 0) return std::optional<Account>{};
    return Account{text_at(rows->get(), 0, 0), text_at(rows->get(), 0, 1), flag_at(rows->get(), 0, 2)};
}

Result<bool> PostgresAccountStore::create(std::string_view name, std::string_view hash, std::int64_t now,
                                          bool approved) {
    const std::lock_guard lock{mutex_};
    auto rows = run("INSERT INTO accounts (name_key, name, hash, created, updated, last_login, approved) "
                    "VALUES ($1, $2, $3, $4::bigint, $4::bigint, $4::bigint, $5::boolean) "
                    "ON CONFLICT (name_key) DO NOTHING",
                    {text(name_key(name)), text(name), text(hash), number(now), flag(approved)},
                    "cannot store an account", Retry::no);
    if (!rows) return tl::unexpected{rows.error()};
    return changed(rows->get()) == 1;
}

Result<bool> PostgresAccountStore::set_hash(std::string_view name, std::string_view hash) {
    const std::lock_guard lock{mutex_};
    auto rows = run("UPDATE accounts SET hash = $2, updated = $3::bigint WHERE name_key = $1",
                    {text(name_key(name)), text(hash), number(unix_now())}, "cannot change a password", Retry::no);
    if (!rows) return tl::unexpected{rows.error()};
    return changed(rows->get()) == 1;
}

Result<bool> PostgresAccountStore::record_login(std::string_view name, std::int64_t now) {
    const std::lock_guard lock{mutex_};
    auto rows = run("UPDATE accounts SET last_login = greatest(last_login, $2::bigint) WHERE name_key = $1",
                    {text(name_key(name)), number(now)}, "cannot record a login", Retry::no);
    if (!rows) return tl::unexpected{rows.error()};
    return changed(rows->get()) == 1;
}

Result<bool> PostgresAccountStore::approve(std::string_view name) {
    const std::lock_guard lock{mutex_};
    auto rows = run("UPDATE accounts SET approved = TRUE WHERE name_key = $1 AND NOT approved",
                    {text(name_key(name))}, "cannot approve an account", Retry::no);
    if (!rows) return tl::unexpected{rows.error()};
    return changed(rows->get()) == 1;
}

Result<bool> PostgresAccountStore::remove(std::string_view name, Which which) {
    const std::lock_guard lock{mutex_};
    auto rows = run("DELETE FROM accounts WHERE name_key = $1 AND (NOT $2::boolean OR NOT approved)",
                    {text(name_key(name)), flag(which == Which::request)}, "cannot remove an account", Retry::no);
    if (!rows) return tl::unexpected{rows.error()};
    return changed(rows->get()) == 1;
}

Result<std::vector<std::string>> PostgresAccountStore::expire(std::int64_t cutoff,
                                                              const std::vector<std::string>& keep) {
    const std::lock_guard lock{mutex_};
    // One transaction: the sweep is all done or not at all.
    return in_transaction<std::vector<std::string>>(
        "cannot expire accounts", [&]() -> Result<std::vector<std::string>> {
            auto due = run("SELECT name_key, name FROM accounts WHERE last_login < $1::bigint ORDER BY name_key "
                           "FOR UPDATE",
                           {number(cutoff)}, "cannot list the accounts to expire", Retry::no);
            if (!due) return tl::unexpected{due.error()};
            std::vector<std::string> removed;
            for (int row = 0; row < PQntuples(due->get()); ++row) {
                auto key = text_at(due->get(), row, 0);
                if (std::find(keep.begin(), keep.end(), key) != keep.end()) continue;
                if (auto gone = run("DELETE FROM accounts WHERE name_key = $1", {text(key)},
                                    "cannot expire an account", Retry::no);
                    !gone) {
                    return tl::unexpected{gone.error()};
                }
                removed.push_back(text_at(due->get(), row, 1));
            }
            return removed;
        });
}

Result<std::vector<std::string>> PostgresAccountStore::names() {
    const std::lock_guard lock{mutex_};
    auto rows = run("SELECT name FROM accounts ORDER BY name_key", {}, "cannot list the accounts", Retry::once);
    if (!rows) return tl::unexpected{rows.error()};
    std::vector<std::string> out;
    for (int row = 0; row < PQntuples(rows->get()); ++row) out.push_back(text_at(rows->get(), row, 0));
    return out;
}

Result<AccountPage> PostgresAccountStore::list(std::string_view prefix, std::size_t limit, Which which) {
    const std::lock_guard lock{mutex_};
    const auto key = name_key(prefix);
    const auto requests_only = flag(which == Which::request);
    AccountPage page;
    {
        // starts_with, not LIKE: '_' and '%' in a prefix are only characters.
        auto rows = run("SELECT count(*) FROM accounts WHERE starts_with(name_key, $1) AND "
                        "(NOT $2::boolean OR NOT approved)",
                        {text(key), requests_only}, "cannot count the accounts", Retry::once);
        if (!rows) return tl::unexpected{rows.error()};
        page.total = static_cast<std::size_t>(number_at(rows->get(), 0, 0));
    }
    auto rows = run("SELECT name, created, last_login, approved FROM accounts WHERE starts_with(name_key, $1) AND "
                    "(NOT $3::boolean OR NOT approved) ORDER BY name_key LIMIT $2::bigint",
                    {text(key), number(clamp(limit)), requests_only}, "cannot list the accounts", Retry::once);
    if (!rows) return tl::unexpected{rows.error()};
    for (int row = 0; row < PQntuples(rows->get()); ++row) {
        page.accounts.push_back(AccountInfo{.name = text_at(rows->get(), row, 0),
                                            .created = number_at(rows->get(), row, 1),
                                            .last_login = number_at(rows->get(), row, 2),
                                            .approved = flag_at(rows->get(), row, 3)});
    }
    return page;
}

Result<void> PostgresAccountStore::put_ban(const Ban& ban) {
    const std::lock_guard lock{mutex_};
    auto rows = run("INSERT INTO bans (target_key, target, is_address, expires, reason, banned_by, created) "
                    "VALUES ($1, $2, $3::boolean, $4::bigint, $5, $6, $7::bigint) "
                    "ON CONFLICT (target_key) DO UPDATE SET target = excluded.target, is_address = excluded.is_address, "
                    "expires = excluded.expires, reason = excluded.reason, banned_by = excluded.banned_by, "
                    "created = excluded.created",
                    {text(name_key(ban.target)), text(ban.target), flag(ban.is_address),
                     ban.expires ? number(*ban.expires) : Param{}, text(ban.reason), text(ban.by), number(unix_now())},
                    "cannot store a ban", Retry::no);
    if (!rows) return tl::unexpected{rows.error()};
    return {};
}

Result<bool> PostgresAccountStore::remove_ban(std::string_view target) {
    const std::lock_guard lock{mutex_};
    auto rows = run("DELETE FROM bans WHERE target_key = $1", {text(name_key(target))}, "cannot remove a ban",
                    Retry::no);
    if (!rows) return tl::unexpected{rows.error()};
    return changed(rows->get()) == 1;
}

Result<std::vector<Ban>> PostgresAccountStore::bans() {
    const std::lock_guard lock{mutex_};
    auto rows = run("SELECT target, is_address, expires, reason, banned_by FROM bans ORDER BY created, target_key", {},
                    "cannot list the bans", Retry::once);
    if (!rows) return tl::unexpected{rows.error()};
    std::vector<Ban> out;
    for (int row = 0; row < PQntuples(rows->get()); ++row) {
        Ban ban;
        ban.target = text_at(rows->get(), row, 0);
        ban.is_address = flag_at(rows->get(), row, 1);
        if (PQgetisnull(rows->get(), row, 2) == 0) ban.expires = number_at(rows->get(), row, 2);
        ban.reason = text_at(rows->get(), row, 3);
        ban.by = text_at(rows->get(), row, 4);
        out.push_back(std::move(ban));
    }
    return out;
}

Result<AccountStore::Settings> PostgresAccountStore::settings_locked(std::string_view key) {
    auto rows = run("SELECT key, value FROM account_settings WHERE name_key = $1 ORDER BY key", {text(key)},
                    "cannot read the settings", Retry::once);
    if (!rows) return tl::unexpected{rows.error()};
    Settings out;
    for (int row = 0; row < PQntuples(rows->get()); ++row) {
        out.emplace_back(text_at(rows->get(), row, 0), text_at(rows->get(), row, 1));
    }
    return out;
}

Result<AccountStore::Settings> PostgresAccountStore::settings(std::string_view name) {
    const std::lock_guard lock{mutex_};
    return settings_locked(name_key(name));
}

Result<bool> PostgresAccountStore::put_setting(std::string_view name, std::string_view key, std::string_view value) {
    const std::lock_guard lock{mutex_};
    if (value.empty()) {
        auto rows = run("DELETE FROM account_settings WHERE name_key = $1 AND key = $2", {text(name_key(name)), text(key)},
                        "cannot store a setting", Retry::no);
        if (!rows) return tl::unexpected{rows.error()};
        return true;
    }
    auto rows = run("INSERT INTO account_settings (name_key, key, value) "
                    "SELECT name_key, $2::text, $3::text FROM accounts WHERE name_key = $1 "
                    "ON CONFLICT (name_key, key) DO UPDATE SET value = excluded.value",
                    {text(name_key(name)), text(key), text(value)}, "cannot store a setting", Retry::no);
    if (!rows) return tl::unexpected{rows.error()};
    return changed(rows->get()) == 1;
}

Result<std::optional<AccountStore::Card>> PostgresAccountStore::card(std::string_view name) {
    const std::lock_guard lock{mutex_};
    const auto key = name_key(name);
    auto rows = run("SELECT name, created, last_login, last_seen, time_online, approved FROM accounts "
                    "WHERE name_key = $1",
                    {text(key)}, "cannot read an account", Retry::once);
    if (!rows) return tl::unexpected{rows.error()};
    if (PQntuples(rows->get()) == 0) return std::optional<Card>{};
    Card card{.name = text_at(rows->get(), 0, 0),
              .created = number_at(rows->get(), 0, 1),
              .last_login = number_at(rows->get(), 0, 2),
              .last_seen = number_at(rows->get(), 0, 3),
              .time_online = number_at(rows->get(), 0, 4),
              .approved = flag_at(rows->get(), 0, 5),
              .settings = {}};
    auto settings = settings_locked(key);
    if (!settings) return tl::unexpected{settings.error()};
    card.settings = std::move(*settings);
    return card;
}

Result<void> PostgresAccountStore::record_logouts(const std::vector<Logout>& logouts) {
    const std::lock_guard lock{mutex_};
    // One transaction however many sessions ended together (a shutdown
    // ends them all).
    return in_transaction<void>("cannot record logouts", [&]() -> Result<void> {
        for (const auto& logout : logouts) {
            auto rows = run("UPDATE accounts SET last_seen = greatest(last_seen, $2::bigint), "
                            "time_online = time_online + $3::bigint WHERE name_key = $1",
                            {text(name_key(logout.name)), number(logout.at),
                             number(std::max<std::int64_t>(0, logout.seconds_online))},
                            "cannot record a logout", Retry::no);
            if (!rows) return tl::unexpected{rows.error()};
        }
        return {};
    });
}

Result<AccountStore::MailDrop> PostgresAccountStore::put_mail(std::string_view to, std::string_view sender,
                                                              std::string_view body, std::int64_t sent,
                                                              std::size_t mailbox_max) {
    const std::lock_guard lock{mutex_};
    const auto key = name_key(to);
    return in_transaction<MailDrop>("cannot store mail", [&]() -> Result<MailDrop> {
        // The owner's row locked first: two senders (on two natterd, two
        // connections) racing for the last place take turns, and the second
        // finds the box full.
        auto owner = run("SELECT 1 FROM accounts WHERE name_key = $1 FOR UPDATE", {text(key)},
                         "cannot read an account", Retry::no);
        if (!owner) return tl::unexpected{owner.error()};
        if (PQntuples(owner->get()) == 0) return MailDrop::no_account;
        auto rows = run("INSERT INTO mail (name_key, sender, sent, body) SELECT $1::text, $2::text, $3::bigint, $4::text "
                        "WHERE (SELECT count(*) FROM mail WHERE name_key = $1) < $5::bigint",
                        {text(key), text(sender), number(sent), text(body), number(clamp(mailbox_max))},
                        "cannot store mail", Retry::no);
        if (!rows) return tl::unexpected{rows.error()};
        return changed(rows->get()) == 1 ? MailDrop::stored : MailDrop::mailbox_full;
    });
}

Result<std::vector<AccountStore::Mail>> PostgresAccountStore::mail(std::string_view name) {
    const std::lock_guard lock{mutex_};
    auto rows = run("SELECT id, sender, sent, body, unread FROM mail WHERE name_key = $1 ORDER BY id",
                    {text(name_key(name))}, "cannot read mail", Retry::once);
    if (!rows) return tl::unexpected{rows.error()};
    std::vector<Mail> out;
    for (int row = 0; row < PQntuples(rows->get()); ++row) out.push_back(mail_at(rows->get(), row));
    return out;
}

Result<std::optional<AccountStore::Mail>> PostgresAccountStore::read_mail(std::string_view name, std::size_t index) {
    const std::lock_guard lock{mutex_};
    auto rows = run("SELECT id, sender, sent, body, unread FROM mail WHERE name_key = $1 ORDER BY id "
                    "LIMIT 1 OFFSET $2::bigint",
                    {text(name_key(name)), number(clamp(index))}, "cannot read mail", Retry::once);
    if (!rows) return tl::unexpected{rows.error()};
    if (PQntuples(rows->get()) == 0) return std::optional<Mail>{};
    auto found = mail_at(rows->get(), 0);
    if (found.unread) {
        if (auto marked = run("UPDATE mail SET unread = FALSE WHERE id = $1::bigint", {number(found.id)},
                              "cannot mark mail read", Retry::no);
            !marked) {
            return tl::unexpected{marked.error()};
        }
    }
    return found;
}

Result<bool> PostgresAccountStore::delete_mail(std::string_view name, std::size_t index) {
    const std::lock_guard lock{mutex_};
    auto rows = run("DELETE FROM mail WHERE id = "
                    "(SELECT id FROM mail WHERE name_key = $1 ORDER BY id LIMIT 1 OFFSET $2::bigint)",
                    {text(name_key(name)), number(clamp(index))}, "cannot delete mail", Retry::no);
    if (!rows) return tl::unexpected{rows.error()};
    return changed(rows->get()) == 1;
}

Result<std::size_t> PostgresAccountStore::delete_all_mail(std::string_view name) {
    const std::lock_guard lock{mutex_};
    auto rows = run("DELETE FROM mail WHERE name_key = $1", {text(name_key(name))}, "cannot delete mail", Retry::no);
    if (!rows) return tl::unexpected{rows.error()};
    return static_cast<std::size_t>(changed(rows->get()));
}

Result<std::size_t> PostgresAccountStore::unread_mail(std::string_view name) {
    const std::lock_guard lock{mutex_};
    auto rows = run("SELECT count(*) FROM mail WHERE name_key = $1 AND unread", {text(name_key(name))},
                    "cannot count mail", Retry::once);
    if (!rows) return tl::unexpected{rows.error()};
    return static_cast<std::size_t>(number_at(rows->get(), 0, 0));
}

Result<std::vector<RoomTopic>> PostgresAccountStore::topics() {
    const std::lock_guard lock{mutex_};
    auto rows = run("SELECT room, topic, set_by, set_at FROM room_topics ORDER BY room_key", {},
                    "cannot read the topics", Retry::once);
    if (!rows) return tl::unexpected{rows.error()};
    std::vector<RoomTopic> out;
    for (int row = 0; row < PQntuples(rows->get()); ++row) {
        out.push_back(RoomTopic{.room = text_at(rows->get(), row, 0),
                                .text = text_at(rows->get(), row, 1),
                                .by = text_at(rows->get(), row, 2),
                                .set_at = number_at(rows->get(), row, 3)});
    }
    return out;
}

Result<void> PostgresAccountStore::put_topic(const RoomTopic& topic) {
    const std::lock_guard lock{mutex_};
    auto rows = topic.text.empty()
                    ? run("DELETE FROM room_topics WHERE room_key = $1", {text(name_key(topic.room))},
                          "cannot store a topic", Retry::no)
                    : run("INSERT INTO room_topics (room_key, room, topic, set_by, set_at) "
                          "VALUES ($1, $2, $3, $4, $5::bigint) "
                          "ON CONFLICT (room_key) DO UPDATE SET room = excluded.room, topic = excluded.topic, "
                          "set_by = excluded.set_by, set_at = excluded.set_at",
                          {text(name_key(topic.room)), text(topic.room), text(topic.text), text(topic.by),
                           number(topic.set_at)},
                          "cannot store a topic", Retry::no);
    if (!rows) return tl::unexpected{rows.error()};
    return {};
}

}  // namespace natter
