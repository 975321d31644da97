#include "src/gmcp_core.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "src/render/gmcp_messages.hpp"
#include "src/telnet_negotiation.hpp"
#include "src/text.hpp"

namespace natter::gmcp {
namespace {

using Json = nlohmann::json;

// At most this many packages are kept: a client lists a dozen.
constexpr std::size_t max_packages = 64;

// "Char.Login 1" → {"char.login", 1}; a missing version means 1.
std::optional<std::pair<std::string, int>> package_entry(const Json& item) {
    if (!item.is_string()) return std::nullopt;
    const auto text = item.get<std::string>();
    const auto space = text.find(' ');
    auto name = ascii_lower(negotiation::clean_name(text.substr(0, space)));
    if (name.empty()) return std::nullopt;
    int version = 1;
    if (space != std::string::npos) {
        try {
            version = std::stoi(text.substr(space + 1));
        } catch (const std::exception&) {
            version = 1;
        }
    }
    return std::pair{std::move(name), version};
}

void set_package(ClientProfile& profile, std::string name, int version) {
    auto& packages = profile.gmcp_packages;
    const auto it = std::find_if(packages.begin(), packages.end(), [&](const auto& p) { return p.first == name; });
    if (it != packages.end()) {
        it->second = version;
    } else if (packages.size() < max_packages) {
        packages.emplace_back(std::move(name), version);
    }
}

}  // namespace

bool listed(const ClientProfile& profile, std::string_view package) {
    return std::any_of(profile.gmcp_packages.begin(), profile.gmcp_packages.end(),
                       [&](const auto& p) { return p.first == package && p.second > 0; });
}

std::optional<std::string> apply_core(ClientProfile& profile, std::string_view package, std::string_view body) {
    const auto name = ascii_lower(package);
    if (!name.starts_with("core.")) return std::nullopt;
    const auto json = Json::parse(body, nullptr, false);
    if (name == "core.hello") {
        if (json.is_object()) {
            if (const auto it = json.find("client"); it != json.end() && it->is_string()) {
                profile.client_name = negotiation::clean_name(it->get<std::string>());
            }
            if (const auto it = json.find("version"); it != json.end() && it->is_string()) {
                profile.client_version = negotiation::clean_name(it->get<std::string>());
            }
        }
    } else if (name == "core.supports.set" || name == "core.supports.add" || name == "core.supports.remove") {
        if (!json.is_array()) return std::string{};
        if (name == "core.supports.set") profile.gmcp_packages.clear();
        for (const auto& item : json) {
            if (auto entry = package_entry(item)) {
                set_package(profile, std::move(entry->first), name == "core.supports.remove" ? 0 : entry->second);
            }
        }
    } else if (name == "core.ping") {
        std::string reply;
        append_gmcp_message("Core.Ping", {}, reply);
        return reply;
    }
    return std::string{};  // Core.KeepAlive and the rest: nothing to do
}

}  // namespace natter::gmcp
