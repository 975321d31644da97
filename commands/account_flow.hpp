// What the account commands share: taking a name into the chat (with the
// take-over of a registered name connected elsewhere), asking for a new
// password twice, telling the operators, and how dates are shown. No verb
// of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace natter {
class World;
class Session;
}  // namespace natter

namespace natter::commands {

// How a name was earned: a guest's free name; an account's, with its
// password (the session is authenticated); or a request's, with its
// password but not yet approved (a guest who keeps the name).
enum class SignIn { guest, account, request };

// Logs `session` in as `name` and puts it in the main room, then runs
// `then` (lines that follow the arrival). Unless a guest, a session already
// using the name is told and closed first (its owner just proved the name is
// theirs). In a cluster the name is claimed in Redis first: input is held
// meanwhile, and a name taken elsewhere (or a link that is down) is told
// instead. Input is released at the end either way.
void sign_in(World& world, Session& session, const std::string& name, SignIn how,
             std::function<void(Session&)> then = {});

// The line a login gets while the cluster's link is down.
inline constexpr std::string_view network_reconnecting = "The network is reconnecting; please try again in a moment.";

// Puts what a registered user kept from earlier logins (the `client`
// settings, description, profile and ignore list) into the session; before
// sign_in, so the first lines are rendered as the user wants them.
void apply_saved_settings(Session& session, const std::vector<std::pair<std::string, std::string>>& settings);

// Keeps one of the user's settings for their next login (an empty value
// removes it) if they are logged in to a registered name; false for a guest,
// whose settings go with the session.
bool keep_setting(World& world, const Session& session, std::string key, std::string value);

// The ignore list as it is kept: name keys separated by spaces.
[[nodiscard]] std::string ignore_setting(const Session& session);

// Asks for a new password for `name` and then for it again (echo off
// throughout); one that is refused (too short, the name, a common one) or
// mismatched gets a message and `chosen` is not called. `chosen` gets the
// password and must take it (it is wiped after).
void ask_new_password(Session& session, std::string name, std::string_view first_prompt,
                      std::function<void(Session& session, std::string& password)> chosen);

// With [accounts] require_tls_for_passwords, a session that is not
// encrypted may not send a password: tells it where to connect instead and
// returns true. plain_password_refusal() is that line.
[[nodiscard]] bool refuses_plain_password(Session& session);
[[nodiscard]] std::string plain_password_refusal(const World& world);

// Sends `line` to every operator logged in.
void tell_operators(World& world, std::string_view line);

// "2025-03-04": the UTC date of a time in Unix seconds.
[[nodiscard]] std::string calendar_date(std::int64_t unix_seconds);

}  // namespace natter::commands
