// GMCP messages from clients that go beyond the client's own profile (the
// Core package is gmcp_core's): each is handled in the layer that owns what
// it needs, and registers itself here as a command does, by package name.
#pragma once

#include <string_view>

namespace natter {

class Session;

using GmcpHandler = void (*)(Session& session, std::string_view body);

// The handler of a package (case-insensitive), or nullptr.
[[nodiscard]] GmcpHandler find_gmcp_handler(std::string_view package);

// A file holds one of these at namespace scope to handle `package`.
struct GmcpRegistration {
    GmcpRegistration(std::string_view package, GmcpHandler handler);
};

}  // namespace natter
