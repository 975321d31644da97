// The MUD options natter negotiates (SPEC §8), on top of the Telnet codec:
// the offers a mud listener makes in its opening write, what natter accepts
// from any client, and what each option needs once on — the TTYPE cycle
// and MTTS, CHARSET's WILL-then-DO fallback and REQUEST, NAWS, NEW-ENVIRON,
// GMCP, EOR and SGA for prompts, MCCP2 started only after TTYPE. Results go
// into the ClientProfile; what needs more than the profile (MSSP's numbers,
// GMCP's messages, compression) goes to the host. Nothing ever waits for an
// answer: a client that answers nothing sees no difference.
#pragma once

#include <string_view>

#include "src/client_profile.hpp"
#include "src/telnet.hpp"

namespace natter {

// What the negotiation asks of the session it serves.
class NegotiationHost : public TelnetListener {
public:
    // The profile changed: the rendering variant may have.
    virtual void on_profile_changed() = 0;
    // The client asked for MSSP (DO MSSP): send the variables.
    virtual void on_mssp_requested() = 0;
    // A GMCP message from the client: "Package.Name" and its JSON (maybe empty).
    virtual void on_gmcp(std::string_view package, std::string_view body) = 0;
    // Compression is to start (true) or end (false).
    virtual void on_compression(bool on) = 0;

protected:
    ~NegotiationHost() = default;
};

namespace negotiation {

// The opening offers of a mud listener: WILL EOR, DO NAWS, DO TTYPE,
// WILL CHARSET, DO NEW-ENVIRON, WILL MSSP, WILL GMCP, and WILL MCCP2 when
// `mccp`. They all land in the outbox before the welcome line.
void offer(ClientProfile& profile, Telnet& telnet, NegotiationHost& host, bool mccp);

// Whether natter agrees when a client offers (remote) or asks for (local)
// `option`. ECHO is the session's own business and not decided here; MXP
// and everything unknown are refused.
[[nodiscard]] bool accepts(unsigned char option, TelnetSide side, bool mccp);

// An option came on or went off (or our request was refused).
void on_option(ClientProfile& profile, Telnet& telnet, NegotiationHost& host, unsigned char option, TelnetSide side,
               bool enabled);

// A whole subnegotiation from the client.
void on_subnegotiation(ClientProfile& profile, Telnet& telnet, NegotiationHost& host, unsigned char option,
                       std::string_view payload);

// A terminal type or client name as the client sent it, made safe to show:
// printable ASCII but space kept, at most 64 bytes.
[[nodiscard]] std::string clean_name(std::string_view raw);

}  // namespace negotiation
}  // namespace natter
