// "register": make the current name an account, protected by a password
// asked twice with echo off. In the LoginRoom, when the config requires
// accounts, "register <name>" creates the account and logs in with it. With
// [accounts] approval the account is a request until an operator approves
// it. Registrations are throttled per address and in all.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands/account_flow.hpp"
#include "rooms/room.hpp"
#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/names.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void tell_request_filed(World& world, Session& session, const std::string& name) {
    spdlog::info("account request {} from {}", name, session.address());
    if (session.room() == &world.login_room()) {
        session.send("Your request for the name \"" + name +
                     "\" has gone to the operators. Once one approves it, log in with it and your password.");
    } else {
        session.send("Your request for the name \"" + name +
                     "\" has gone to the operators. Until one approves it you are a guest; your password is kept "
                     "for when it is.");
    }
    tell_operators(world, fmt::format("*** {} (from {}) asks for an account: \"approve {}\" or \"deny {}\".", name,
                                      session.address(), name, name));
}

// Back on the loop thread after the hash is stored (or not).
void finish_register(World& world, std::uint64_t id, const std::string& name, bool request, Result<bool> created) {
    auto* session = world.find_session(id);
    if (!created) spdlog::error("register {}: account database: {}", name, created.error().message);
    if (created && *created && !request) spdlog::info("register {}", name);
    if (session == nullptr || session->closing()) return;
    if (!created) {
        session->send("Sorry, the account could not be stored. Try again later.");
    } else if (!*created) {
        session->send("The name \"" + name + "\" is registered already.");
    } else if (request) {
        tell_request_filed(world, *session, name);
    } else {
        session->send("The name \"" + name + "\" is now registered. Log in with it and your password from now on.");
        if (session->room() == &world.login_room()) {
            sign_in(world, *session, name, SignIn::account);  // releases input, now or once claimed
            return;
        } else {
            session->set_authenticated(true);
        }
    }
    session->release_input();
}

void ask_and_register(Session& session, std::string name) {
    ask_new_password(session, name, "Choose a password:", [name](Session& s, std::string& password) {
        auto& world = s.world();
        auto& accounts = world.accounts();
        // Asked again: other sessions from the address may have registered
        // while this one typed, and someone may have taken the name.
        if (auto refusal = accounts.registration_refusal(s.address(), name)) {
            s.send(*refusal);
            return;
        }
        if (accounts.is_registered(name)) {
            s.send("The name \"" + name + "\" is registered already.");
            return;
        }
        // An operator's own name needs no approval: someone must approve the rest.
        const bool request = world.config().accounts.approval && !accounts.is_operator_name(name);
        s.hold_input();
        const bool started = accounts.create(s.id(), {.name = name, .address = s.address(), .request = request},
                                             password, [&world, id = s.id(), name, request](Result<bool> created) {
                                                 finish_register(world, id, name, request, std::move(created));
                                             });
        if (!started) {
            s.send("Sorry, the server is busy; nothing was registered. Please try again in a moment.");
            s.release_input();
        }
    });
}

// Everything that stops `name` being registered from this session now, said
// to it; false if nothing does.
bool refused(CommandContext& ctx, std::string_view name) {
    auto& accounts = ctx.world.accounts();
    if (accounts.is_request(name)) {
        ctx.session.send("The name \"" + std::string{name} + "\" is waiting for an operator's approval already.");
        return true;
    }
    if (accounts.is_registered(name)) {
        ctx.session.send("The name \"" + std::string{name} + "\" is registered already.");
        return true;
    }
    if (auto refusal = accounts.registration_refusal(ctx.session.address(), name)) {
        ctx.session.send(*refusal);
        return true;
    }
    return false;
}

void register_in_login_room(CommandContext& ctx, std::string_view name) {
    if (!ctx.world.config().accounts.require) {
        // Classic: the LoginRoom knows only login; guests register once in.
        ctx.session.send("Please log in");
        ctx.session.send("Use \"login <nick>\"");
        return;
    }
    if (name.empty()) {
        ctx.session.send("Usage: register <name>");
        return;
    }
    if (!is_valid_name(name)) {
        ctx.session.send("Invalid name \"" + std::string{name} + "\": " + std::string{valid_name_rule()} + ".");
        return;
    }
    if (ctx.world.accounts().ban_on_name(name) != nullptr) {
        ctx.session.send("The name \"" + std::string{name} + "\" may not be registered.");
        return;
    }
    if (refused(ctx, name)) return;
    if (ctx.world.find_user(name) != nullptr) {
        ctx.session.send("The name \"" + std::string{name} + "\" is registered already.");
        return;
    }
    if (refuses_plain_password(ctx.session)) return;
    ask_and_register(ctx.session, std::string{name});
}

void do_register(CommandContext& ctx, std::string_view args) {
    if (!ctx.world.accounts().available()) {
        ctx.session.send("Accounts are not available on this server.");
        return;
    }
    if (ctx.room.kind() == RoomKind::login) {
        register_in_login_room(ctx, args);
        return;
    }
    const auto& name = ctx.session.name();
    if (!args.empty() && name_key(args) != name_key(name)) {
        ctx.session.send("You can register only the name you are using (\"" + name + "\").");
        return;
    }
    if (ctx.session.authenticated()) {
        ctx.session.send("The name \"" + name + "\" is registered already.");
        return;
    }
    if (refused(ctx, name)) return;
    if (refuses_plain_password(ctx.session)) return;
    ask_and_register(ctx.session, name);
}

const Registration register_command{{.name = "register",
                                     .rooms = RoomKind::login | RoomKind::chat,
                                     .handler = do_register,
                                     .usage = "register [name]",
                                     .help = "protect your name with a password (in the login room when "
                                             "accounts are required: register <name>)"}};

}  // namespace
}  // namespace natter::commands
