#include "src/gmcp_handlers.hpp"

#include <string>
#include <utility>
#include <vector>

#include "src/text.hpp"

namespace natter {
namespace {

// A function-local static, so registrations from any file find it made.
std::vector<std::pair<std::string, GmcpHandler>>& handlers() {
    static std::vector<std::pair<std::string, GmcpHandler>> table;
    return table;
}

}  // namespace

GmcpHandler find_gmcp_handler(std::string_view package) {
    const auto key = ascii_lower(package);
    for (const auto& [name, handler] : handlers()) {
        if (name == key) return handler;
    }
    return nullptr;
}

GmcpRegistration::GmcpRegistration(std::string_view package, GmcpHandler handler) {
    handlers().emplace_back(ascii_lower(package), handler);
}

}  // namespace natter
