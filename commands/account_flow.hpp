// What the account commands share: taking a name into the chat (with the
// take-over of a registered name connected elsewhere), asking for a new
// password twice, and the operator check. No verb of its own.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace natter {
class World;
class Session;
}  // namespace natter

namespace natter::commands {

// Logs `session` in as `name` and puts it in the main room. With
// `authenticated`, a session already using the name is told and closed
// first (its owner just proved the name is theirs).
void sign_in(World& world, Session& session, const std::string& name, bool authenticated);

// Asks for a new password and then for it again (echo off throughout); a
// too short or mismatched one is refused with a message and `chosen` is not
// called. `chosen` gets the password and must take it (it is wiped after).
void ask_new_password(Session& session, std::string_view first_prompt,
                      std::function<void(Session& session, std::string& password)> chosen);

}  // namespace natter::commands
