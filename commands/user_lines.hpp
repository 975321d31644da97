// How a logged-in user is shown to others in `who`, `look`, `seen` and
// `examine`: the name first (SPEC §2: scripts read it), the description
// after it, then what they are doing. No verb of its own.
#pragma once

#include <string>

namespace natter {
class Session;
}  // namespace natter

namespace natter::commands {

// "alice the tea drinker": the name, then the description if there is one.
[[nodiscard]] std::string name_and_description(const Session& user);

// "idle 5m": how long since the user typed anything; empty under a minute.
[[nodiscard]] std::string idle_words(const Session& user);

// "away" or "away: lunch"; empty if not away.
[[nodiscard]] std::string away_words(const Session& user);

// The details joined in brackets after a space, " (lobby, idle 5m, away)";
// empty if all are.
[[nodiscard]] std::string bracketed(std::initializer_list<std::string> details);

}  // namespace natter::commands
