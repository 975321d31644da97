// "register": make the current name an account, protected by a password
// asked twice with echo off. In the LoginRoom, when the config requires
// accounts, "register <name>" creates the account and logs in with it.
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

// Back on the loop thread after the hash is stored (or not).
void finish_register(World& world, std::uint64_t id, const std::string& name, Result<bool> created) {
    auto* session = world.find_session(id);
    if (!created) spdlog::error("register {}: account database: {}", name, created.error().message);
    if (created && *created) spdlog::info("register {}", name);
    if (session == nullptr || session->closing()) return;
    if (!created) {
        session->send("Sorry, the account could not be stored. Try again later.");
    } else if (!*created) {
        session->send("The name \"" + name + "\" is registered already.");
    } else {
        session->send("The name \"" + name + "\" is now registered. Log in with it and your password from now on.");
        if (session->room() == &world.login_room()) {
            sign_in(world, *session, name, true);
        } else {
            session->set_authenticated(true);
        }
    }
    session->release_input();
}

void ask_and_register(Session& session, std::string name) {
    ask_new_password(session, "Choose a password:", [name = std::move(name)](Session& s, std::string& password) {
        auto& world = s.world();
        s.hold_input();
        world.accounts().create(name, password, [&world, id = s.id(), name](Result<bool> created) {
            finish_register(world, id, name, std::move(created));
        });
    });
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
    if (ctx.world.accounts().is_registered(name) || ctx.world.find_user(name) != nullptr) {
        ctx.session.send("The name \"" + std::string{name} + "\" is registered already.");
        return;
    }
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
    if (ctx.session.authenticated() || ctx.world.accounts().is_registered(name)) {
        ctx.session.send("The name \"" + name + "\" is registered already.");
        return;
    }
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
