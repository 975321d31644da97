#include "src/mssp.hpp"

#include <chrono>

#include "src/telnet.hpp"
#include "src/text.hpp"
#include "src/version.hpp"
#include "src/world.hpp"

namespace natter {
namespace {

constexpr char mssp_var = 1;
constexpr char mssp_val = 2;

// A value may hold none of the bytes that frame MSSP (NUL, VAR, VAL, IAC):
// sanitize() leaves no control character and never 0xFF.
std::string value_text(std::string_view text) { return sanitize(text); }

}  // namespace

std::vector<MsspVariable> mssp_variables(const World& world) {
    const auto& config = world.config();
    const auto& mssp = config.mssp;
    const auto started = std::chrono::duration_cast<std::chrono::seconds>(world.started().time_since_epoch()).count();
    std::vector<MsspVariable> v{
        {"NAME", value_text(config.server.name)},
        {"PLAYERS", std::to_string(world.users().size())},
        {"UPTIME", std::to_string(started)},
        {"CODEBASE", "natter " + std::string{version()}},
    };
    // Most important last: the MUD port, if there is one.
    for (const auto port : world.telnet_ports()) v.push_back({"PORT", std::to_string(port)});
    v.push_back({"HOSTNAME", value_text(mssp.hostname)});
    v.push_back({"CONTACT", value_text(mssp.contact)});
    v.push_back({"WEBSITE", value_text(mssp.website)});
    v.push_back({"LANGUAGE", value_text(mssp.language)});
    v.push_back({"CRAWL DELAY", "-1"});
    v.push_back({"FAMILY", "Custom"});
    v.push_back({"GENRE", "None"});
    v.push_back({"GAMEPLAY", "Social"});
    v.push_back({"STATUS", "Live"});
    v.push_back({"ANSI", "1"});
    v.push_back({"UTF-8", "1"});
    v.push_back({"XTERM 256 COLORS", "1"});
    v.push_back({"XTERM TRUE COLORS", "1"});
    v.push_back({"GMCP", "1"});
    v.push_back({"MCCP", config.telnet.mccp ? "1" : "0"});
    v.push_back({"MSDP", "0"});
    v.push_back({"MXP", "0"});
    // The MUD port over TLS, for clients that can (Mudlet, tintin++); 0: none.
    const auto& tls = world.tls_telnet_ports();
    v.push_back({"SSL", tls.empty() ? "0" : std::to_string(tls.front())});
    v.push_back({"PAY TO PLAY", "0"});
    v.push_back({"PAY FOR PERKS", "0"});
    return v;
}

std::string mssp_subnegotiation(const std::vector<MsspVariable>& variables) {
    std::string payload;
    for (const auto& [name, value] : variables) {
        payload.push_back(mssp_var);
        payload.append(name);
        payload.push_back(mssp_val);
        payload.append(value);
    }
    return Telnet::subnegotiation(telnet_opt::mssp, payload);
}

std::vector<std::string> mssp_text_lines(const std::vector<MsspVariable>& variables) {
    std::vector<std::string> lines{"MSSP-REPLY-START"};
    for (const auto& [name, value] : variables) lines.push_back(name + "\t" + value);
    lines.emplace_back("MSSP-REPLY-END");
    return lines;
}

}  // namespace natter
