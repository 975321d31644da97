// What natter tells MUD crawlers and clients that ask (MSSP,
// tintin.mudhalla.net/protocols/mssp): the variables, and their two wire
// forms — the telnet subnegotiation sent on DO MSSP, and the plain-text
// reply to a line "MSSP-REQUEST" for crawlers that speak no telnet.
#pragma once

#include <string>
#include <vector>

namespace natter {

class World;

struct MsspVariable {
    std::string name;
    std::string value;
};

// NAME, PLAYERS (live), UPTIME (Unix time of start), CODEBASE, every
// telnet and MUD port (PORT, repeated), HOSTNAME, CONTACT, WEBSITE and
// LANGUAGE from [mssp], and what natter is and does.
[[nodiscard]] std::vector<MsspVariable> mssp_variables(const World& world);

// IAC SB MSSP (VAR name VAL value)… IAC SE.
[[nodiscard]] std::string mssp_subnegotiation(const std::vector<MsspVariable>& variables);

// MSSP-REPLY-START, one "NAME<TAB>value" line each, MSSP-REPLY-END.
[[nodiscard]] std::vector<std::string> mssp_text_lines(const std::vector<MsspVariable>& variables);

}  // namespace natter
