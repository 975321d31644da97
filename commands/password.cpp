// "password": change your password: the old one first, then the new one
// twice, all with echo off.
#include <memory>

#include <spdlog/spdlog.h>

#include "commands/account_flow.hpp"
#include "src/accounts.hpp"
#include "src/command_registry.hpp"
#include "src/password.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {
namespace {

void finish_change(World& world, std::uint64_t id, const std::string& name, Result<Accounts::Check> changed) {
    if (!changed) spdlog::error("password {}: account database: {}", name, changed.error().message);
    auto* session = world.find_session(id);
    if (session == nullptr || session->closing()) return;
    if (!changed) {
        session->send("Sorry, the password could not be changed. Try again later.");
    } else if (*changed == Accounts::Check::right) {
        spdlog::info("password changed {} {}", session->address(), name);
        session->send("Your password has been changed.");
    } else {
        session->send("Wrong password. Your password was not changed.");
    }
    session->release_input();
}

void do_password(CommandContext& ctx, std::string_view) {
    if (!ctx.session.authenticated()) {
        ctx.session.send("Only a registered name has a password. Use \"register\" to register yours.");
        return;
    }
    if (refuses_plain_password(ctx.session)) return;
    ctx.session.ask_secret("Old password:", [](Session& s, std::string& typed) {
        auto old_password = std::make_shared<Secret>(typed);
        ask_new_password(s, s.name(), "New password:", [old_password](Session& again, std::string& new_password) {
            auto& world = again.world();
            again.hold_input();
            const bool started = world.accounts().change_password(
                again.id(), again.name(), old_password->text(), new_password,
                [&world, id = again.id(), name = again.name()](auto changed) {
                    finish_change(world, id, name, std::move(changed));
                });
            if (!started) {
                again.send("Sorry, the server is busy; your password was not changed. Please try again in a moment.");
                again.release_input();
            }
        });
    });
}

const Registration password{{.name = "password",
                             .rooms = RoomKind::chat,
                             .handler = do_password,
                             .usage = "password",
                             .help = "change your password (asks for the old one first)"}};

}  // namespace
}  // namespace natter::commands
