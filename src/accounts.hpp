// Accounts as the rest of the core uses them: which names are registered,
// who is an operator, which bans are in force, the guard against password
// guessing, and the slow operations (hashing, checking, storing) run through
// the World's Background so the loop never waits. Results come back on the
// loop thread. Knows nothing of rooms, commands or sockets.
#pragma once

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
#include "src/login_guard.hpp"
#include "src/password.hpp"

namespace natter {

class World;
class Session;

class Accounts {
public:
    explicit Accounts(World& world);
    ~Accounts();
    Accounts(const Accounts&) = delete;
    Accounts& operator=(const Accounts&) = delete;

    // Opens the store and loads the registered names and the bans. At
    // start-up only, before the loop runs (it waits for the disk).
    [[nodiscard]] Result<void> open(const std::string& path);
    // Without a store every name is a guest's and nothing can be registered.
    [[nodiscard]] bool available() const { return store_ != nullptr; }

    [[nodiscard]] bool is_registered(std::string_view name) const;
    // A logged-in session that proved its name and is listed in [operators].
    [[nodiscard]] bool is_operator(const Session& session) const;

    // --- bans (in memory at once; the store follows on a worker thread)
    [[nodiscard]] const Ban* ban_on_name(std::string_view name) const;
    [[nodiscard]] const Ban* ban_on_address(std::string_view address) const;
    [[nodiscard]] const std::vector<Ban>& bans() const { return bans_.all(); }
    // `done` gets the outcome of storing it; the ban applies already.
    void ban(Ban ban, std::function<void(Result<void>)> done);
    // `done` gets whether there was such a ban; it is lifted once stored.
    void unban(std::string target, std::function<void(Result<bool>)> done);
    // Why a connection from `address` is refused (a ban, too many failed
    // logins), or nullopt.
    [[nodiscard]] std::optional<std::string> refusal_for_address(std::string_view address) const;

    [[nodiscard]] LoginGuard& guard() { return guard_; }

    // --- the slow operations; the secrets are taken (and wiped) at once
    enum class Check { right, wrong, no_account };
    struct Checked {
        Check outcome = Check::wrong;
        std::string name;  // as registered, when right
    };
    void check_password(std::string name, std::string& password, std::function<void(Result<Checked>)> done);
    // `done` gets false if the name was registered meanwhile.
    void create(std::string name, std::string& password, std::function<void(Result<bool>)> done);
    // `done` gets right (changed), wrong (old password wrong) or no_account.
    void change_password(std::string name, std::string& old_password, std::string& new_password,
                         std::function<void(Result<Check>)> done);

private:
    [[nodiscard]] static std::int64_t unix_now();

    World& world_;
    std::unique_ptr<AccountStore> store_;
    std::unordered_set<std::string> registered_;  // name keys; the store is the truth
    BanList bans_;
    LoginGuard guard_;
};

}  // namespace natter
