// CommandRegistry: the exact verbs each room kind has, so a dropped or
// duplicated registration fails here. Update the lists when a command is
// added on purpose.
#include <doctest/doctest.h>

#include "tests/unit/printing.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "src/command_registry.hpp"

namespace natter {
namespace {

using Names = std::vector<std::string>;

Names names_for(RoomKind kind) {
    Names out;
    for (const auto* spec : command_registry().for_room(kind)) out.emplace_back(spec->name);
    return out;
}

// Every name and alias a room kind answers to, duplicates kept.
Names verbs_for(RoomKind kind) {
    Names out;
    for (const auto* spec : command_registry().for_room(kind)) {
        out.emplace_back(spec->name);
        for (auto alias : spec->aliases) out.emplace_back(alias);
    }
    return out;
}

}  // namespace

TEST_CASE("CommandRegistry: the login room has exactly its documented commands") {
    CHECK(names_for(RoomKind::login) ==
          Names{"client", "help", "login", "logout", "mssp-request", "register", "version"});
}

TEST_CASE("CommandRegistry: the chat room has exactly its documented commands") {
    CHECK(names_for(RoomKind::chat) == Names{"accounts", "announce", "approve",  "away",     "back",     "ban",
                                             "client",   "deny",     "desc",     "examine",  "help",     "history",
                                             "ignore",   "join",     "kick",     "logout",   "look",     "mail",
                                             "me",       "password", "profile",  "reboot",   "register", "reply",    "rooms",
                                             "say",      "seen",     "shemote",  "shout",    "shutdown", "tell",
                                             "topic",    "unban",    "unignore", "unregister", "version", "who"});
}

TEST_CASE("CommandRegistry: the logout room has no commands") { CHECK(names_for(RoomKind::logout).empty()); }

TEST_CASE("CommandRegistry: every command is registered exactly once") {
    Names all;
    for (const auto& spec : command_registry().all()) all.emplace_back(spec.name);
    std::sort(all.begin(), all.end());
    CHECK(all == Names{"accounts", "announce", "approve",  "away",     "back",         "ban",      "client",
                       "deny",     "desc",     "examine",  "help",     "history",      "ignore",   "join",
                       "kick",     "login",    "logout",   "look",     "mail",         "me",       "mssp-request",
                       "password", "profile",  "reboot",   "register", "reply",    "rooms",        "say",      "seen",
                       "shemote",  "shout",    "shutdown", "tell",     "topic",        "unban",    "unignore",
                       "unregister", "version", "who"});
}

TEST_CASE("CommandRegistry: no verb or alias is registered twice in a room kind") {
    for (auto kind : {RoomKind::login, RoomKind::chat, RoomKind::logout}) {
        CAPTURE(static_cast<unsigned>(kind));
        const auto verbs = verbs_for(kind);
        const std::set<std::string> unique{verbs.begin(), verbs.end()};
        CHECK(unique.size() == verbs.size());
    }
}

TEST_CASE("CommandRegistry: no shortcut character means two commands in a room kind") {
    for (auto kind : {RoomKind::login, RoomKind::chat, RoomKind::logout}) {
        CAPTURE(static_cast<unsigned>(kind));
        std::string seen;
        for (const auto* spec : command_registry().for_room(kind)) {
            for (char c : spec->shortcuts) {
                CHECK(seen.find(c) == std::string::npos);
                seen.push_back(c);
            }
        }
    }
}

TEST_CASE("CommandRegistry: logout answers to quit and q; say to ' and \"") {
    const auto chat = command_registry().for_room(RoomKind::chat);
    const auto logout = std::find_if(chat.begin(), chat.end(), [](const auto* s) { return s->name == "logout"; });
    REQUIRE(logout != chat.end());
    CHECK(std::vector<std::string_view>{(*logout)->aliases} == std::vector<std::string_view>{"quit", "q"});
    const auto say = std::find_if(chat.begin(), chat.end(), [](const auto* s) { return s->name == "say"; });
    REQUIRE(say != chat.end());
    CHECK((*say)->shortcuts.find('\'') != std::string_view::npos);
    CHECK((*say)->shortcuts.find('"') != std::string_view::npos);
}

TEST_CASE("CommandRegistry: examine answers to finger, shemote to semote") {
    const auto chat = command_registry().for_room(RoomKind::chat);
    const auto aliases = [&](std::string_view name) {
        const auto it = std::find_if(chat.begin(), chat.end(), [&](const auto* s) { return s->name == name; });
        REQUIRE(it != chat.end());
        return std::vector<std::string_view>{(*it)->aliases};
    };
    CHECK(aliases("examine") == std::vector<std::string_view>{"finger"});
    CHECK(aliases("shemote") == std::vector<std::string_view>{"semote"});
}

TEST_CASE("CommandRegistry: exactly who, look, help, away, back and logout leave someone away") {
    Names keeping;
    for (const auto* spec : command_registry().for_room(RoomKind::chat)) {
        if (spec->keeps_away) keeping.emplace_back(spec->name);
    }
    CHECK(keeping == Names{"away", "back", "help", "logout", "look", "who"});
}

TEST_CASE("CommandRegistry: every command has a handler, lower-case name, usage and help") {
    for (const auto& spec : command_registry().all()) {
        CAPTURE(spec.name);
        const bool has_handler = spec.handler != nullptr;
        CHECK(has_handler);
        CHECK_FALSE(spec.name.empty());
        CHECK(std::none_of(spec.name.begin(), spec.name.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
        CHECK(spec.usage.starts_with(spec.name));
        CHECK_FALSE(spec.help.empty());
    }
}

TEST_CASE("CommandRegistry: for_room lists commands sorted by name") {
    for (auto kind : {RoomKind::login, RoomKind::chat}) {
        const auto names = names_for(kind);
        CHECK(std::is_sorted(names.begin(), names.end()));
    }
}

}  // namespace natter
