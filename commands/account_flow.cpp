#include "commands/account_flow.hpp"

#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "rooms/room.hpp"
#include "src/accounts.hpp"
#include "src/password.hpp"
#include "src/session.hpp"
#include "src/world.hpp"

namespace natter::commands {

void sign_in(World& world, Session& session, const std::string& name, bool authenticated) {
    if (auto* other = world.find_user(name); other != nullptr && other != &session && authenticated) {
        // A link-dead session must never lock its owner out.
        other->send("*** Your session has been taken over by a new login from " + session.address() + ".");
        other->disconnect("taken over");
        spdlog::info("takeover {} {} from {}", session.address(), name, other->address());
    }
    session.set_name(name);
    session.set_authenticated(authenticated);
    world.add_user(session);
    spdlog::info("login {} {}", session.address(), session.name());
    if (session.variant().structured()) {
        session.deliver(Event{.kind = EventKind::signed_in, .actor = session.name(), .room = world.main_room().name()});
        std::vector<std::string_view> rooms;
        for (const auto& room : world.chat_rooms()) rooms.push_back(room->name());
        session.deliver(Event{.kind = EventKind::channels, .rooms = rooms});
    }
    session.enter(world.main_room());
}

void ask_new_password(Session& session, std::string_view first_prompt,
                      std::function<void(Session& session, std::string& password)> chosen) {
    session.ask_secret(first_prompt, [chosen = std::move(chosen)](Session& s, std::string& typed) {
        if (typed.size() < min_password_length) {
            s.send(fmt::format("That password is too short: use at least {} characters. Nothing was changed.",
                               min_password_length));
            return;
        }
        if (typed.size() > max_password_length) {
            s.send(fmt::format("That password is too long: use at most {} characters. Nothing was changed.",
                               max_password_length));
            return;
        }
        auto first = std::make_shared<Secret>(typed);
        s.ask_secret("Type the password again:", [first, chosen](Session& again, std::string& repeated) {
            if (repeated != first->text()) {
                again.send("The passwords do not match. Nothing was changed.");
                return;
            }
            chosen(again, first->text());
        });
    });
}

}  // namespace natter::commands
