#include "commands/account_flow.hpp"

#include <chrono>
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "rooms/room.hpp"
#include "src/accounts.hpp"
#include "src/cluster.hpp"
#include "src/names.hpp"
#include "src/password.hpp"
#include "src/password_policy.hpp"
#include "src/send_off.hpp"
#include "src/session.hpp"
#include "src/text.hpp"
#include "src/world.hpp"

namespace natter::commands {

std::string plain_password_refusal(const World& world) {
    std::string line = "Passwords are accepted only over an encrypted connection here.";
    if (const auto& ports = world.tls_telnet_ports(); !ports.empty()) {
        line += fmt::format(" Connect with TLS to port {}.", ports.front());
    } else if (const auto& web = world.tls_web_ports(); !web.empty()) {
        line += fmt::format(" Use the web page over https on port {}.", web.front());
    }
    return line;
}

bool refuses_plain_password(Session& session) {
    const auto& world = session.world();
    if (!world.config().accounts.require_tls_for_passwords || session.encrypted()) return false;
    session.send(plain_password_refusal(world));
    return true;
}

namespace {

void enter_chat(World& world, Session& session, const std::string& name, SignIn how) {
    if (auto* other = world.find_user(name); other != nullptr && other != &session && how != SignIn::guest) {
        // A link-dead session must never lock its owner out.
        take_over(*other, session.address());
        spdlog::info("takeover {} {} from {}", session.address(), name, other->address());
    }
    session.set_name(name);
    session.set_authenticated(how == SignIn::account);
    world.add_user(session);
    spdlog::info("login {} {}", session.address(), session.name());
    ++world.metrics().logins;
    if (session.variant().structured()) {
        session.deliver(Event{.kind = EventKind::signed_in, .actor = session.name(), .room = world.main_room().name()});
        std::vector<std::string_view> rooms;
        for (const auto& room : world.chat_rooms()) rooms.push_back(room->name());
        session.deliver(Event{.kind = EventKind::channels, .rooms = rooms});
    }
    session.enter(world.main_room());
}

}  // namespace

void sign_in(World& world, Session& session, const std::string& name, SignIn how,
             std::function<void(Session&)> then) {
    auto* cluster = world.cluster();
    if (cluster == nullptr) {
        enter_chat(world, session, name, how);
        if (then) then(session);
        session.release_input();
        return;
    }
    if (!cluster->up()) {
        session.send(network_reconnecting);
        session.release_input();
        return;
    }
    session.hold_input();
    cluster->claim(session, name, how != SignIn::guest,
                   [&world, id = session.id(), name, how, then = std::move(then)](Cluster::Claim claim) {
                       auto* later = world.find_session(id);
                       if (later == nullptr || later->closing()) {
                           // Gone while Redis answered: the name is not kept for nobody.
                           if (claim == Cluster::Claim::ok && world.find_user(name) == nullptr) {
                               world.cluster()->release(name);
                           }
                           return;
                       }
                       // Another login here took the name while Redis answered.
                       if (claim == Cluster::Claim::ok && how == SignIn::guest && world.find_user(name) != nullptr) {
                           claim = Cluster::Claim::taken;
                       }
                       switch (claim) {
                       case Cluster::Claim::ok:
                           enter_chat(world, *later, name, how);
                           if (then) then(*later);
                           break;
                       case Cluster::Claim::taken:
                           later->send("The name \"" + name + "\" is taken.");
                           later->send("Please try again.");
                           break;
                       case Cluster::Claim::down:
                           later->send(network_reconnecting);
                           break;
                       }
                       later->release_input();
                   });
}

void apply_saved_settings(Session& session, const std::vector<std::pair<std::string, std::string>>& settings) {
    for (const auto& [key, value] : settings) {
        if (key == "client") {
            session.profile_for_update().settings = ClientSettings::from_text(value);
            session.update_variant();
        } else if (key == "desc") {
            // Stored as it was accepted; cut and cleaned again all the same,
            // since the file is not ours alone.
            session.info_for_update().description =
                std::string{cut_characters(sanitize(value), UserInfo::max_description)};
        } else if (key == "profile") {
            auto& profile = session.info_for_update().profile;
            profile.clear();
            std::string_view rest{value};
            while (!rest.empty() && profile.size() < UserInfo::max_profile_lines) {
                const auto end = rest.find('\n');
                profile.emplace_back(cut_characters(sanitize(rest.substr(0, end)), UserInfo::max_profile_line));
                if (end == std::string_view::npos) break;
                rest.remove_prefix(end + 1);
            }
        } else if (key == "ignore") {
            std::string_view rest{value};
            while (!rest.empty()) {
                const auto end = rest.find(' ');
                if (const auto name = rest.substr(0, end); is_valid_name(name)) session.ignore(name);
                if (end == std::string_view::npos) break;
                rest.remove_prefix(end + 1);
            }
        }
    }
}

bool keep_setting(World& world, const Session& session, std::string key, std::string value) {
    if (!session.authenticated() || !world.accounts().is_registered(session.name())) return false;
    world.accounts().save_setting(session.name(), std::move(key), std::move(value));
    return true;
}

std::string ignore_setting(const Session& session) {
    std::string out;
    for (const auto& key : session.ignored()) out.append(out.empty() ? "" : " ").append(key);
    return out;
}

void ask_new_password(Session& session, std::string name, std::string_view first_prompt,
                      std::function<void(Session& session, std::string& password)> chosen) {
    session.ask_secret(first_prompt, [name = std::move(name), chosen = std::move(chosen)](Session& s, std::string& typed) {
        if (auto refusal = password_refusal(typed, name)) {
            s.send(*refusal + " Nothing was changed.");
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

void tell_operators(World& world, std::string_view line) {
    for (auto* user : world.users()) {
        if (!user->closing() && world.accounts().is_operator(*user)) user->send(line);
    }
}

std::string calendar_date(std::int64_t unix_seconds) {
    const std::chrono::sys_seconds when{std::chrono::seconds{unix_seconds}};
    const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(when)};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                       static_cast<unsigned>(date.day()));
}

}  // namespace natter::commands
