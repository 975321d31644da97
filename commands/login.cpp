// "login <name>": leave the LoginRoom for the main room under a free name,
// or, for a registered name, once its password is right. Also Mudlet's log-in
// over GMCP (Char.Login.Credentials), which takes the same path with the
// same checks and throttling, and answers with Char.Login.Result.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "commands/account_flow.hpp"
#include "rooms/room.hpp"
#include "src/accounts.hpp"
#include "src/background.hpp"
#include "src/cluster.hpp"
#include "src/command_registry.hpp"
#include "src/gmcp_handlers.hpp"
#include "src/render/gmcp_messages.hpp"
#include "src/wipe.hpp"
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

// Whether a guest may not have `name`: someone here has it, or someone on
// another node of the cluster (Redis has the last word when it is claimed).
bool taken(const World& world, std::string_view name) {
    if (world.find_user(name) != nullptr) return true;
    const auto* cluster = world.cluster();
    return cluster != nullptr && cluster->find_remote(name) != nullptr;
}

// How a login was asked for, and so how its outcome is told.
enum class Asked { typed, gmcp };

// Tells a GMCP log-in its outcome (Char.Login.Result); a typed one is told
// in words by the caller.
void gmcp_result(Session& session, Asked asked, bool success, std::string_view message) {
    if (asked != Asked::gmcp || !session.variant().gmcp) return;
    std::string bytes;
    append_gmcp_message("Char.Login.Result",
                        nlohmann::json{{"success", success}, {"message", message}}.dump(-1, ' ', false,
                                                                                       nlohmann::json::error_handler_t::replace),
                        bytes);
    session.send_raw(bytes);
}

// After the check on a worker thread, back on the loop thread: the session
// may have gone meanwhile, so it is looked up by id.
void finish_login(World& world, std::uint64_t id, const std::string& typed, Asked asked,
                  Result<Accounts::Checked> checked) {
    auto* session = world.find_session(id);
    if (session == nullptr || session->closing()) return;
    if (!checked) {
        spdlog::error("login {} {}: account database: {}", session->address(), typed, checked.error().message);
        gmcp_result(*session, asked, false, "The account database is not available.");
        session->send("Sorry, the account database is not available. Try again later.");
        session->release_input();
        return;
    }
    auto& guard = world.accounts().guard();
    if (checked->outcome == Accounts::Check::right && !checked->approved) {
        guard.record_success(typed, session->address());
        if (world.config().accounts.require) {
            gmcp_result(*session, asked, false, "Your account request is still waiting for approval.");
            session->send("Your account request is still waiting for an operator's approval; you can log in "
                          "once it is approved.");
        } else {
            // The password holds the name for its requester, who stays a guest.
            gmcp_result(*session, asked, true, "Welcome, " + checked->name + " (as a guest until approved).");
            sign_in(world, *session, checked->name, SignIn::request, [](Session& in) {
                in.send("Your account request is still waiting for an operator's approval; until then you are "
                        "a guest.");
            });
            return;
        }
        session->release_input();
        return;
    }
    if (checked->outcome == Accounts::Check::right) {
        guard.record_success(typed, session->address());
        gmcp_result(*session, asked, true, "Welcome, " + checked->name + ".");
        apply_saved_settings(*session, checked->settings);
        sign_in(world, *session, checked->name, SignIn::account, [unread = checked->unread_mail](Session& in) {
            if (unread > 0) {
                in.send(unread == 1 ? std::string{"You have 1 new message; type \"mail\" to read it."}
                                    : fmt::format("You have {} new messages; type \"mail\" to read them.", unread));
            }
        });
        return;
    }
    spdlog::info("login failed {} {}: wrong password", session->address(), typed);
    ++world.metrics().failed_logins;
    const auto verdict = guard.record_failure(typed, session->address(), world.now());
    if (verdict.lock_out) {
        gmcp_result(*session, asked, false, "Too many failed logins.");
        session->send("Wrong password. Too many failed logins: disconnecting.");
        session->disconnect("too many failed logins");
        return;
    }
    // The answer waits, longer after each failure, and so does the input.
    world.background()->after(verdict.delay, [&world, id, asked] {
        auto* later = world.find_session(id);
        if (later == nullptr || later->closing()) return;
        gmcp_result(*later, asked, false, "Wrong password.");
        later->send("Wrong password.");
        later->release_input();
    });
}

// Checks `password` for the registered `name`, holding input meanwhile.
void check(Session& session, const std::string& name, std::string& password, Asked asked) {
    auto& world = session.world();
    session.hold_input();
    const bool started = world.accounts().check_password(
        session.id(), name, password, [&world, id = session.id(), name, asked](Result<Accounts::Checked> checked) {
            finish_login(world, id, name, asked, std::move(checked));
        });
    if (!started) {
        // Not a failed login: nothing was checked.
        gmcp_result(session, asked, false, "The server is busy checking passwords; try again in a moment.");
        session.send("Sorry, the server is busy checking passwords; please log in again in a moment.");
        session.release_input();
    }
}

void ask_password(Session& session, std::string name) {
    session.ask_secret("Password:", [name = std::move(name)](Session& s, std::string& typed) {
        if (typed.empty()) {
            s.send("Login cancelled.");
            return;
        }
        check(s, name, typed, Asked::typed);
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
        if (refuses_plain_password(ctx.session)) return;
        ask_password(ctx.session, std::string{name});
        return;
    }
    if (ctx.world.config().accounts.require) {
        ctx.session.send("The name \"" + std::string{name} + "\" is not registered, and guests may not log in here.");
        ctx.session.send("Use \"register " + std::string{name} + "\" to create an account.");
        return;
    }
    if (taken(ctx.world, name)) {
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

// Char.Login.Credentials {"account": …, "password": …}: Mudlet's log-in. The
// password is taken like a typed one: never logged, wiped after the check.
void on_gmcp_credentials(Session& session, std::string_view body) {
    // The bytes that carried the password are wiped where they were read.
    session.note_secret_input();
    auto json = nlohmann::json::parse(body, nullptr, false);
    const auto field = [&](const char* key) {
        const auto it = json.is_object() ? json.find(key) : json.end();
        return it != json.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    const std::string name = field("account");
    std::string password = field("password");
    if (const auto it = json.is_object() ? json.find("password") : json.end(); it != json.end() && it->is_string()) {
        wipe(it->get_ref<std::string&>());
    }
    auto& world = session.world();
    const auto fail = [&](std::string_view message) {
        gmcp_result(session, Asked::gmcp, false, message);
        wipe(password);
    };
    if (session.room() != &world.login_room() || session.closing()) return fail("You are logged in already.");
    if (!is_valid_name(name)) return fail(valid_name_rule());
    if (refused(world, session, name)) return fail("Refused.");
    if (world.accounts().is_registered(name)) {
        if (password.empty()) return fail("A password is needed for this name.");
        if (world.config().accounts.require_tls_for_passwords && !session.encrypted()) {
            return fail(plain_password_refusal(world));
        }
        check(session, name, password, Asked::gmcp);
        wipe(password);
        return;
    }
    wipe(password);
    if (world.config().accounts.require) return fail("That name is not registered, and guests may not log in.");
    if (taken(world, name)) return fail("That name is taken.");
    gmcp_result(session, Asked::gmcp, true, "Welcome, " + name + ".");
    sign_in(world, session, name, SignIn::guest);
}

const GmcpRegistration gmcp_login{"Char.Login.Credentials", on_gmcp_credentials};

}  // namespace
}  // namespace natter::commands
