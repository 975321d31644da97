#include "src/accounts.hpp"

#include <algorithm>
#include <cassert>
#include <ctime>

#include <fmt/format.h>

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

}  // namespace

Accounts::Accounts(World& world) : world_{world} {}

Accounts::~Accounts() = default;

std::int64_t Accounts::unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

Result<void> Accounts::open(const std::string& path) {
    if (auto ready = init_password_hashing(); !ready) return ready;
    auto store = AccountStore::open(path);
    if (!store) return tl::unexpected{store.error()};
    auto names = (*store)->names();
    if (!names) return tl::unexpected{names.error()};
    auto bans = (*store)->bans();
    if (!bans) return tl::unexpected{bans.error()};
    registered_.clear();
    for (const auto& name : *names) registered_.insert(name_key(name));
    bans_.replace_all(std::move(*bans));
    store_ = std::move(*store);
    return {};
}

bool Accounts::is_registered(std::string_view name) const { return registered_.contains(name_key(name)); }

bool Accounts::is_operator(const Session& session) const {
    if (!session.authenticated() || session.name().empty()) return false;
    const auto key = name_key(session.name());
    const auto& names = world_.config().operators.names;
    return std::any_of(names.begin(), names.end(), [&](const std::string& name) { return name_key(name) == key; });
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

void Accounts::check_password(std::string name, std::string& password, std::function<void(Result<Checked>)> done) {
    auto secret = std::make_shared<Secret>(password);
    if (!store_) {
        done(fail("no account database"));
        return;
    }
    auto outcome = empty_outcome<Checked>();
    background_of(world_).run(
        [store = store_.get(), name = std::move(name), secret, outcome] {
            auto account = store->find(name);
            if (!account) {
                *outcome = tl::unexpected{account.error()};
            } else if (!*account) {
                *outcome = Checked{.outcome = Check::no_account, .name = {}};
            } else if (verify_password((*account)->hash, secret->text())) {
                *outcome = Checked{.outcome = Check::right, .name = (*account)->name};
            } else {
                *outcome = Checked{.outcome = Check::wrong, .name = {}};
            }
        },
        [outcome, done = std::move(done)] { done(std::move(*outcome)); });
}

void Accounts::create(std::string name, std::string& password, std::function<void(Result<bool>)> done) {
    auto secret = std::make_shared<Secret>(password);
    if (!store_) {
        done(fail("no account database"));
        return;
    }
    auto outcome = empty_outcome<bool>();
    background_of(world_).run(
        [store = store_.get(), name, secret, outcome] {
            *outcome = hash_password(secret->text()).and_then([&](const std::string& hash) {
                return store->create(name, hash, unix_now());
            });
        },
        [this, name, outcome, done = std::move(done)] {
            if (*outcome && **outcome) registered_.insert(name_key(name));
            done(std::move(*outcome));
        });
}

void Accounts::change_password(std::string name, std::string& old_password, std::string& new_password,
                               std::function<void(Result<Check>)> done) {
    auto old_secret = std::make_shared<Secret>(old_password);
    auto new_secret = std::make_shared<Secret>(new_password);
    if (!store_) {
        done(fail("no account database"));
        return;
    }
    auto outcome = empty_outcome<Check>();
    background_of(world_).run(
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
        [outcome, done = std::move(done)] { done(std::move(*outcome)); });
}

}  // namespace natter
