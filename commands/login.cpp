// "login <name>": leave the LoginRoom for the main room under a free name,
// or, for a registered name, once its password is right.
#include <spdlog/spdlog.h>

#include "commands/account_flow.hpp"
#include "rooms/room.hpp"
#include "src/accounts.hpp"
#include "src/background.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

// Tells a banned name or a locked-out address so and closes; false if neither.
bool refused(World& world, Session& session, std::string_view name) {
    if (const auto* ban = world.accounts().ban_on_name(name)) {
        session.send(ban->reason.empty() ? std::string{"You are banned from this server."}
                                         : "You are banned from this server: " + ban->reason);
        session.disconnect("banned name");
        return true;
    }
    if (auto refusal = world.accounts().refusal_for_address(session.address())) {
        session.send(*refusal);
        session.disconnect("refused: banned or locked out");
        return true;
    }
    return false;
}

// After the check on a worker thread, back on the loop thread: the session
// may have gone meanwhile, so it is looked up by id.
void finish_login(World& world, std::uint64_t id, const std::string& typed, Result<Accounts::Checked> checked) {
    auto* session = world.find_session(id);
    if (session == nullptr || session->closing()) return;
    if (!checked) {
        spdlog::error("login {} {}: account database: {}", session->address(), typed, checked.error().message);
        session->send("Sorry, the account database is not available. Try again later.");
        session->release_input();
        return;
    }
    auto& guard = world.accounts().guard();
    if (checked->outcome == Accounts::Check::right && !checked->approved) {
        guard.record_success(typed, session->address());
        if (world.config().accounts.require) {
            session->send("Your account request is still waiting for an operator's approval; you can log in "
                          "once it is approved.");
        } else {
            // The password holds the name for its requester, who stays a guest.
            sign_in(world, *session, checked->name, SignIn::request);
            session->send("Your account request is still waiting for an operator's approval; until then you are "
                          "a guest.");
        }
        session->release_input();
        return;
    }
    if (checked->outcome == Accounts::Check::right) {
        guard.record_success(typed, session->address());
        sign_in(world, *session, checked->name, SignIn::account);
        session->release_input();
        return;
    }
    spdlog::info("login failed {} {}: wrong password", session->address(), typed);
    const auto verdict = guard.record_failure(typed, session->address(), world.now());
    if (verdict.lock_out) {
        session->send("Wrong password. Too many failed logins: disconnecting.");
        session->disconnect("too many failed logins");
        return;
    }
    // The answer waits, longer after each failure, and so does the input.
    world.background()->after(verdict.delay, [&world, id] {
        auto* later = world.find_session(id);
        if (later == nullptr || later->closing()) return;
        later->send("Wrong password.");
        later->release_input();
    });
}

void ask_password(Session& session, std::string name) {
    session.ask_secret("Password:", [name = std::move(name)](Session& s, std::string& typed) {
        if (typed.empty()) {
            s.send("Login cancelled.");
            return;
        }
        auto& world = s.world();
        s.hold_input();
        const bool started =
            world.accounts().check_password(s.id(), name, typed,
                                            [&world, id = s.id(), name](Result<Accounts::Checked> checked) {
                                                finish_login(world, id, name, std::move(checked));
                                            });
        if (!started) {
            // Not a failed login: nothing was checked.
            s.send("Sorry, the server is busy checking passwords; please log in again in a moment.");
            s.release_input();
        }
    });
}

void do_login(CommandContext& ctx, std::string_view name) {
    if (name.empty()) {
        ctx.session.send("Please enter a name");
        return;
    }
    if (!is_valid_name(name)) {
        ctx.session.send("Invalid name \"" + std::string{name} + "\": " + std::string{valid_name_rule()} + ".");
        return;
    }
    if (refused(ctx.world, ctx.session, name)) return;
    if (ctx.world.accounts().is_registered(name)) {
        ask_password(ctx.session, std::string{name});
        return;
    }
    if (ctx.world.config().accounts.require) {
        ctx.session.send("The name \"" + std::string{name} + "\" is not registered, and guests may not log in here.");
        ctx.session.send("Use \"register " + std::string{name} + "\" to create an account.");
        return;
    }
    if (ctx.world.find_user(name) != nullptr) {
        // Classic: these two lines, the name as typed.
        ctx.session.send("The name \"" + std::string{name} + "\" is taken.");
        ctx.session.send("Please try again.");
        return;
    }
    sign_in(ctx.world, ctx.session, std::string{name}, SignIn::guest);
}

const Registration login{{.name = "login",
                          .rooms = RoomKind::login,
                          .handler = do_login,
                          .usage = "login <name>",
                          .help = "enter the chat under a name"}};

}  // namespace
}  // namespace natter::commands
