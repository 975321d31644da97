// GMCP's Core package (IRE; Mudlet's dialect), which concerns only the
// client's own profile: Core.Hello (its name and version), Core.Supports.Set,
// .Add and .Remove (the packages it wants), Core.Ping and Core.KeepAlive.
// Bodies are parsed leniently: a client that sends something other than the
// expected JSON changes nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "src/client_profile.hpp"

namespace natter::gmcp {

// Applies a Core.* message to the profile. nullopt if `package` is not
// Core's; otherwise the bytes to send back (empty for none).
[[nodiscard]] std::optional<std::string> apply_core(ClientProfile& profile, std::string_view package,
                                                    std::string_view body);

// Whether the client listed `package` (lower case, e.g. "char.login") with
// a version above 0.
[[nodiscard]] bool listed(const ClientProfile& profile, std::string_view package);

}  // namespace natter::gmcp
