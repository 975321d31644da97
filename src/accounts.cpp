#include "src/accounts.hpp"

#include "src/cluster.hpp"

#include <algorithm>
#include <cassert>
#include <ctime>
#include <limits>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "src/address_block.hpp"
#include "src/background.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter {
namespace {

// What a worker computes and the loop thread reads; the Background's
// work-then-done order is the only synchronisation it needs.
template <class T>
using Outcome = std::shared_ptr<Result<T>>;

template <class T>
Outcome<T> empty_outcome() {
    return std::make_shared<Result<T>>(fail("not run"));
}

Background& background_of(World& world) {
    // natterd installs one before the loop runs; unit tests install their own.
    assert(world.background() != nullptr);
    return *world.background();
}

// Runs `work` (store calls) on a worker thread and hands its result to
// `done` on the loop thread.
template <class T, class Work>
void on_worker(World& world, Work work, std::function<void(Result<T>)> done) {
    auto outcome = empty_outcome<T>();
    background_of(world).run([work = std::move(work), outcome] { *outcome = work(); },
                             [outcome, done = std::move(done)] { done(std::move(*outcome)); });
}

// Whether the `ignore` setting (name keys separated by spaces) holds `key`.
bool ignore_setting_has(const AccountStore::Settings& settings, std::string_view key) {
    for (const auto& [setting, value] : settings) {
        if (setting != "ignore") continue;
        std::string_view rest{value};
        while (!rest.empty()) {
            const auto space = rest.find(' ');
            if (rest.substr(0, space) == key) return true;
            if (space == std::string_view::npos) break;
            rest.remove_prefix(space + 1);
        }
    }
    return false;
}

constexpr std::int64_t seconds_per_day = 86400;
constexpr auto expiry_interval = std::chrono::hours{24};

// "an hour", "6 hours", "a day", "90 seconds": the window in words.
std::string describe_window(std::uint32_t seconds) {
    struct Unit {
        std::uint32_t length;
        const char* one;
        const char* many;
    };
    for (const Unit unit : {Unit{86400, "a day", "days"}, Unit{3600, "an hour", "hours"}, Unit{60, "a minute", "minutes"}}) {
        if (seconds % unit.length != 0) continue;
        return seconds == unit.length ? std::string{unit.one} : fmt::format("{} {}", seconds / unit.length, unit.many);
    }
    return seconds == 1 ? std::string{"a second"} : fmt::format("{} seconds", seconds);
}

// "42 minutes", "1 minute", "30 seconds": a wait, rounded up.
std::string describe_wait(std::chrono::steady_clock::duration wait) {
    const auto seconds = std::max<std::int64_t>(
        1, std::chrono::ceil<std::chrono::seconds>(wait).count());
    if (seconds < 60) return fmt::format("{} second{}", seconds, seconds == 1 ? "" : "s");
    const auto minutes = (seconds + 59) / 60;
    return fmt::format("{} minute{}", minutes, minutes == 1 ? "" : "s");
}

}  // namespace

Accounts::Accounts(World& world) : world_{world} {}

Accounts::~Accounts() = default;

std::int64_t Accounts::unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::int64_t Accounts::wall_unix() const {
    return std::chrono::duration_cast<std::chrono::seconds>(world_.wall_now().time_since_epoch()).count();
}

Result<void> Accounts::open(const Config::Accounts& where) {
    if (auto ready = init_password_hashing(); !ready) return ready;
    auto store = AccountStore::open(where);
    if (!store) return tl::unexpected{store.error()};
    if (const int from = (*store)->upgraded_from(); from > 0 && from < AccountStore::schema_version) {
        spdlog::info("account database {}: schema upgraded from version {} to {}",
                     where.postgres.empty() ? where.database : std::string{"in PostgreSQL"}, from,
                     AccountStore::schema_version);
    }
    const auto days = world_.config().accounts.expire_after_days;
    next_expiry_ = world_.wall_now();
    if (days > 0) {
        // Nobody is online yet, so only the operators' accounts are kept.
        auto expired = (*store)->expire(wall_unix() - days * seconds_per_day, never_expiring());
        if (!expired) return tl::unexpected{expired.error()};
        if (!expired->empty()) spdlog::info("expired {} accounts unused for {} days", expired->size(), days);
        next_expiry_ += expiry_interval;
    }
    auto all = (*store)->list("", std::numeric_limits<std::size_t>::max());
    if (!all) return tl::unexpected{all.error()};
    auto bans = (*store)->bans();
    if (!bans) return tl::unexpected{bans.error()};
    registered_.clear();
    requests_.clear();
    for (const auto& account : all->accounts) {
        registered_.insert(name_key(account.name));
        if (!account.approved) requests_.insert(name_key(account.name));
    }
    auto topics = (*store)->topics();
    if (!topics) return tl::unexpected{topics.error()};
    bans_.replace_all(std::move(*bans));
    store_ = std::move(*store);
    world_.restore_topics(std::move(*topics));
    const auto& config = world_.config().accounts;
    spdlog::info("password hashing: {} at once, {} MiB each ([accounts] hashing_memory_mb = {}), {} may wait",
                 hashing_workers(), password_hash_memory() >> 20, config.hashing_memory_mb, config.hashing_queue);
    return {};
}

bool Accounts::is_registered(std::string_view name) const { return registered_.contains(name_key(name)); }

bool Accounts::is_request(std::string_view name) const { return requests_.contains(name_key(name)); }

bool Accounts::is_operator(const Session& session) const {
    return session.authenticated() && !session.name().empty() && is_operator_name(session.name());
}

bool Accounts::is_operator_name(std::string_view name) const {
    const auto key = name_key(name);
    const auto& names = world_.config().operators.names;
    return std::any_of(names.begin(), names.end(), [&](const std::string& listed) { return name_key(listed) == key; });
}

const Ban* Accounts::ban_on_name(std::string_view name) const { return bans_.on_name(name, unix_now()); }

const Ban* Accounts::ban_on_address(std::string_view address) const { return bans_.on_address(address, unix_now()); }

std::optional<std::string> Accounts::refusal_for_address(std::string_view address) const {
    if (const auto* ban = ban_on_address(address)) {
        return ban->reason.empty() ? std::string{"You are banned from this server."}
                                   : fmt::format("You are banned from this server: {}", ban->reason);
    }
    if (guard_.locked_out(address, world_.now())) {
        return std::string{"Too many failed logins from your address. Try again later."};
    }
    return std::nullopt;
}

std::optional<std::string> Accounts::registration_refusal(std::string_view address, std::string_view name) {
    if (is_operator_name(name)) return std::nullopt;
    const auto& config = world_.config().accounts;
    const RegistrationThrottle::Limits limits{.per_address = config.registrations_per_address,
                                              .per_window = config.registrations_per_window,
                                              .window = std::chrono::seconds{config.registration_window_s}};
    const auto block = address_block(address);
    const auto verdict = throttle_.check(block, limits, world_.now());
    if (verdict.allowed) return std::nullopt;
    const auto window = describe_window(config.registration_window_s);
    const bool per_address = verdict.scope == RegistrationThrottle::Scope::address;
    if (verdict.episode_started) {
        // Once per episode: an address hammering `register` writes one line.
        if (per_address) {
            spdlog::warn("registrations from {} refused: {} in {} already (logged once until one is allowed)", block,
                         config.registrations_per_address, window);
        } else {
            spdlog::warn("registrations refused for everyone: {} in {} already (logged once until one is allowed)",
                         config.registrations_per_window, window);
        }
    }
    const auto limit = per_address ? config.registrations_per_address : config.registrations_per_window;
    return fmt::format("Only {} account{} may be registered {} in {}; try again in {}.", limit, limit == 1 ? "" : "s",
                       per_address ? "from one address" : "on this server", window, describe_wait(verdict.retry_after));
}

void Accounts::ban(Ban ban, std::function<void(Result<void>)> done) {
    bans_.put(ban);
    if (!store_) {
        done(fail("no account database"));
        return;
    }
    auto outcome = empty_outcome<void>();
    background_of(world_).run([store = store_.get(), ban = std::move(ban), outcome] { *outcome = store->put_ban(ban); },
                              [outcome, done = std::move(done)] { done(std::move(*outcome)); });
}

void Accounts::unban(std::string target, std::function<void(Result<bool>)> done) {
    if (!store_) {
        done(bans_.remove(target));
        return;
    }
    auto outcome = empty_outcome<bool>();
    background_of(world_).run([store = store_.get(), target, outcome] { *outcome = store->remove_ban(target); },
                              [this, target, outcome, done = std::move(done)] {
                                  // Lifted only once stored: a failed write leaves it in force.
                                  if (*outcome) *outcome = bans_.remove(target) || **outcome;
                                  done(std::move(*outcome));
                              });
}

std::size_t Accounts::hashing_workers() const {
    return natter::hashing_workers(world_.config().accounts.hashing_memory_mb, password_hash_memory());
}

HashingQueue::Limits Accounts::hashing_limits() const {
    return {.workers = hashing_workers(), .waiting = world_.config().accounts.hashing_queue};
}

std::function<bool()> Accounts::wanted_by(std::uint64_t session) const {
    if (session == 0) return nullptr;
    return [&world = world_, session] {
        const auto* asking = world.find_session(session);
        return asking != nullptr && !asking->closing();
    };
}

bool Accounts::check_password(std::uint64_t session, std::string name, std::string& password,
                              std::function<void(Result<Checked>)> done) {
    auto secret = std::make_shared<Secret>(password);
    if (!store_) {
        done(fail("no account database"));
        return true;
    }
    auto outcome = empty_outcome<Checked>();
    auto recorded = empty_outcome<bool>();
    HashingQueue::Job job{
        .work =
            [store = store_.get(), name = std::move(name), secret, outcome, recorded, now = wall_unix()] {
                auto account = store->find(name);
                if (!account) {
                    *outcome = tl::unexpected{account.error()};
                } else if (!*account) {
                    *outcome = Checked{.outcome = Check::no_account};
                } else if (verify_password((*account)->hash, secret->text())) {
                    // The settings and the count of new mail come with the
                    // answer: one trip to the disk.
                    auto settings = store->settings(name);
                    auto unread = store->unread_mail(name);
                    *outcome = Checked{.outcome = Check::right,
                                       .name = (*account)->name,
                                       .approved = (*account)->approved,
                                       .settings = settings ? std::move(*settings) : AccountStore::Settings{},
                                       .unread_mail = unread ? *unread : 0};
                    *recorded = store->record_login(name, now);
                } else {
                    *outcome = Checked{.outcome = Check::wrong};
                }
            },
        .done =
            [outcome, recorded, done = std::move(done)] {
                // The login stands even if its date could not be stored.
                if (*outcome && (*outcome)->outcome == Check::right && !*recorded) {
                    spdlog::warn("login {}: the last-login date could not be stored: {}", (*outcome)->name,
                                 recorded->error().message);
                }
                done(std::move(*outcome));
            },
        .wanted = wanted_by(session),
        .dropped = nullptr,
    };
    return hashing_.submit(background_of(world_), hashing_limits(), std::move(job));
}

void Accounts::save_setting(std::string name, std::string key, std::string value) {
    if (!store_ || world_.background() == nullptr) return;
    auto stored = empty_outcome<bool>();
    world_.background()->run(
        [store = store_.get(), name, key, value = std::move(value), stored] {
            *stored = store->put_setting(name, key, value);
        },
        [name, key, stored] {
            if (!*stored) spdlog::warn("setting {} of {} could not be stored: {}", key, name, stored->error().message);
        });
}

void Accounts::record_logout(std::string name, std::int64_t seconds_online) {
    if (!store_ || world_.background() == nullptr) return;
    logouts_.push_back({.name = std::move(name), .at = wall_unix(), .seconds_online = seconds_online});
    write_logouts();
}

void Accounts::write_logouts() {
    if (writing_logouts_ || logouts_.empty()) return;
    writing_logouts_ = true;
    auto batch = std::make_shared<std::vector<AccountStore::Logout>>(std::move(logouts_));
    logouts_.clear();
    auto stored = empty_outcome<void>();
    world_.background()->run([store = store_.get(), batch, stored] { *stored = store->record_logouts(*batch); },
                             [this, batch, stored] {
                                 writing_logouts_ = false;
                                 if (!*stored) {
                                     spdlog::warn("the last-seen times of {} sessions could not be stored: {}",
                                                  batch->size(), stored->error().message);
                                 }
                                 if (world_.background() != nullptr) write_logouts();
                             });
}

void Accounts::card(std::string name, std::function<void(Result<std::optional<AccountStore::Card>>)> done) {
    if (!store_) {
        done(std::optional<AccountStore::Card>{});
        return;
    }
    on_worker<std::optional<AccountStore::Card>>(
        world_, [store = store_.get(), name = std::move(name)] { return store->card(name); }, std::move(done));
}

void Accounts::send_mail(std::string from, std::string to, std::string body,
                         std::function<void(Result<MailSent>)> done) {
    if (!store_) {
        done(fail("no account database"));
        return;
    }
    on_worker<MailSent>(
        world_,
        [store = store_.get(), from = std::move(from), to = std::move(to), body = std::move(body),
         max = world_.config().accounts.mailbox_max, now = wall_unix()]() -> Result<MailSent> {
            // The receiver's ignore list as stored: they may be offline.
            auto settings = store->settings(to);
            if (!settings) return tl::unexpected{settings.error()};
            if (ignore_setting_has(*settings, name_key(from))) {
                auto account = store->find(to);
                if (!account) return tl::unexpected{account.error()};
                return *account ? MailSent::stored : MailSent::no_account;
            }
            return store->put_mail(to, from, body, now, max).map([](AccountStore::MailDrop drop) {
                switch (drop) {
                case AccountStore::MailDrop::stored:
                    return MailSent::stored;
                case AccountStore::MailDrop::mailbox_full:
                    return MailSent::mailbox_full;
                case AccountStore::MailDrop::no_account:
                    break;
                }
                return MailSent::no_account;
            });
        },
        std::move(done));
}

void Accounts::mail(std::string name, std::function<void(Result<std::vector<AccountStore::Mail>>)> done) {
    if (!store_) {
        done(fail("no account database"));
        return;
    }
    on_worker<std::vector<AccountStore::Mail>>(
        world_, [store = store_.get(), name = std::move(name)] { return store->mail(name); }, std::move(done));
}

void Accounts::read_mail(std::string name, std::size_t index,
                         std::function<void(Result<std::optional<AccountStore::Mail>>)> done) {
    if (!store_) {
        done(fail("no account database"));
        return;
    }
    on_worker<std::optional<AccountStore::Mail>>(
        world_, [store = store_.get(), name = std::move(name), index] { return store->read_mail(name, index); },
        std::move(done));
}

void Accounts::delete_mail(std::string name, std::size_t index, std::function<void(Result<bool>)> done) {
    if (!store_) {
        done(fail("no account database"));
        return;
    }
    on_worker<bool>(
        world_, [store = store_.get(), name = std::move(name), index] { return store->delete_mail(name, index); },
        std::move(done));
}

void Accounts::delete_all_mail(std::string name, std::function<void(Result<std::size_t>)> done) {
    if (!store_) {
        done(fail("no account database"));
        return;
    }
    on_worker<std::size_t>(
        world_, [store = store_.get(), name = std::move(name)] { return store->delete_all_mail(name); },
        std::move(done));
}

void Accounts::save_topic(RoomTopic topic) {
    if (!store_ || world_.background() == nullptr) return;
    auto stored = empty_outcome<void>();
    world_.background()->run([store = store_.get(), topic, stored] { *stored = store->put_topic(topic); },
                             [room = topic.room, stored] {
                                 if (!*stored) {
                                     spdlog::warn("the topic of {} could not be stored: {}", room,
                                                  stored->error().message);
                                 }
                             });
}

bool Accounts::create(std::uint64_t session, NewAccount account, std::string& password,
                      std::function<void(Result<bool>)> done) {
    auto secret = std::make_shared<Secret>(password);
    if (!store_) {
        done(fail("no account database"));
        return true;
    }
    // Counted from now, so registrations racing from one address in other
    // sessions see this one; taken back if it does not happen.
    const bool counted = !account.address.empty() && !is_operator_name(account.name);
    auto block = counted ? address_block(account.address) : std::string{};
    const auto when = world_.now();
    if (counted) throttle_.record(block, when);
    auto take_back = [this, counted, block, when] {
        if (counted) throttle_.forget(block, when);
    };
    auto outcome = empty_outcome<bool>();
    HashingQueue::Job job{
        .work =
            [store = store_.get(), name = account.name, request = account.request, secret, outcome,
             now = wall_unix()] {
                *outcome = hash_password(secret->text()).and_then([&](const std::string& hash) {
                    return store->create(name, hash, now, !request);
                });
            },
        .done =
            [this, name = account.name, request = account.request, outcome, take_back, done = std::move(done)] {
                if (*outcome && **outcome) {
                    note_account(name, request ? AccountChange::requested : AccountChange::registered);
                    if (auto* cluster = world_.cluster()) {
                        cluster->account_changed(name, request ? AccountChange::requested : AccountChange::registered);
                    }
                } else {
                    take_back();
                }
                done(std::move(*outcome));
            },
        .wanted = wanted_by(session),
        .dropped = take_back,
    };
    if (!hashing_.submit(background_of(world_), hashing_limits(), std::move(job))) {
        take_back();
        return false;
    }
    return true;
}

bool Accounts::change_password(std::uint64_t session, std::string name, std::string& old_password,
                               std::string& new_password, std::function<void(Result<Check>)> done) {
    auto old_secret = std::make_shared<Secret>(old_password);
    auto new_secret = std::make_shared<Secret>(new_password);
    if (!store_) {
        done(fail("no account database"));
        return true;
    }
    auto outcome = empty_outcome<Check>();
    HashingQueue::Job job{
        .work =
            [store = store_.get(), name = std::move(name), old_secret, new_secret, outcome] {
                auto account = store->find(name);
                if (!account) {
                    *outcome = tl::unexpected{account.error()};
                    return;
                }
                if (!*account) {
                    *outcome = Check::no_account;
                    return;
                }
                if (!verify_password((*account)->hash, old_secret->text())) {
                    *outcome = Check::wrong;
                    return;
                }
                *outcome = hash_password(new_secret->text())
                               .and_then([&](const std::string& hash) { return store->set_hash(name, hash); })
                               .map([](bool changed) { return changed ? Check::right : Check::no_account; });
            },
        .done = [outcome, done = std::move(done)] { done(std::move(*outcome)); },
        .wanted = wanted_by(session),
        .dropped = nullptr,
    };
    return hashing_.submit(background_of(world_), hashing_limits(), std::move(job));
}

void Accounts::list(std::string prefix, std::size_t limit, AccountStore::Which which,
                    std::function<void(Result<AccountPage>)> done) {
    if (!store_) {
        done(fail("no account database"));
        return;
    }
    auto outcome = empty_outcome<AccountPage>();
    background_of(world_).run(
        [store = store_.get(), prefix = std::move(prefix), limit, which, outcome] {
            *outcome = store->list(prefix, limit, which);
        },
        [outcome, done = std::move(done)] { done(std::move(*outcome)); });
}

void Accounts::approve(std::string name, std::function<void(Result<bool>)> done) {
    if (!store_) {
        done(fail("no account database"));
        return;
    }
    auto outcome = empty_outcome<bool>();
    background_of(world_).run([store = store_.get(), name, outcome] { *outcome = store->approve(name); },
                              [this, name, outcome, done = std::move(done)] {
                                  if (*outcome && **outcome) {
                                      note_account(name, AccountChange::approved);
                                      if (auto* cluster = world_.cluster()) cluster->account_changed(name, AccountChange::approved);
                                  }
                                  done(std::move(*outcome));
                              });
}

void Accounts::remove(std::string name, AccountStore::Which which, std::function<void(Result<bool>)> done) {
    if (!store_) {
        done(fail("no account database"));
        return;
    }
    auto outcome = empty_outcome<bool>();
    background_of(world_).run([store = store_.get(), name, which, outcome] { *outcome = store->remove(name, which); },
                              [this, name, outcome, done = std::move(done)] {
                                  if (*outcome && **outcome) {
                                      forget_names({name});
                                      if (auto* cluster = world_.cluster()) cluster->account_changed(name, AccountChange::removed);
                                  }
                                  done(std::move(*outcome));
                              });
}

void Accounts::note_account(std::string_view name, AccountChange change) {
    const auto key = name_key(name);
    switch (change) {
    case AccountChange::registered:
        registered_.insert(key);
        break;
    case AccountChange::requested:
        registered_.insert(key);
        requests_.insert(key);
        break;
    case AccountChange::approved:
        requests_.erase(key);
        break;
    case AccountChange::removed:
        registered_.erase(key);
        requests_.erase(key);
        break;
    }
}

void Accounts::forget_names(const std::vector<std::string>& names) {
    for (const auto& name : names) {
        registered_.erase(name_key(name));
        requests_.erase(name_key(name));
    }
}

std::vector<std::string> Accounts::never_expiring() const {
    std::vector<std::string> keep;
    for (const auto& name : world_.config().operators.names) keep.push_back(name_key(name));
    // Someone logged in for longer than the limit is using the account.
    for (const auto* user : world_.users()) keep.push_back(name_key(user->name()));
    return keep;
}

void Accounts::expire_if_due() {
    const auto days = world_.config().accounts.expire_after_days;
    if (!store_ || days == 0 || expiring_ || world_.background() == nullptr) return;
    const auto now = world_.wall_now();
    if (now < next_expiry_) return;
    next_expiry_ = now + expiry_interval;
    expiring_ = true;
    auto outcome = empty_outcome<std::vector<std::string>>();
    background_of(world_).run(
        [store = store_.get(), cutoff = wall_unix() - days * seconds_per_day, keep = never_expiring(), outcome] {
            *outcome = store->expire(cutoff, keep);
        },
        [this, days, outcome] {
            expiring_ = false;
            if (!*outcome) {
                spdlog::error("expiring accounts: account database: {}", outcome->error().message);
                return;
            }
            forget_names(**outcome);
            if ((*outcome)->empty()) return;
            constexpr std::size_t named = 20;
            std::string names;
            for (std::size_t i = 0; i < std::min(named, (*outcome)->size()); ++i) {
                names += (i == 0 ? "" : ", ") + (**outcome)[i];
            }
            if ((*outcome)->size() > named) names += fmt::format(" and {} more", (*outcome)->size() - named);
            spdlog::info("expired {} accounts unused for {} days: {}", (*outcome)->size(), days, names);
        });
}

}  // namespace natter
