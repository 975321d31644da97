// The telnet protocol of one connection (RFC 854/855, option negotiation by
// the Q method of RFC 1143): takes raw bytes from the peer, passes on the
// data bytes, reports commands, options and subnegotiations, and produces the
// bytes the peer must be sent in reply. Does no I/O and keeps no pointer to
// its listener, so it can be fed bytes split anywhere, of any length.
//
// natter parses telnet itself rather than through libtelnet 0.21 (Debian 12's
// version): that one recurses once per ENVIRON subnegotiation within a read
// (a stack overflow from one 56 KiB write), hands the tail of a subnegotiation
// past 16 KiB to the application as typed data, starts inflating the peer's
// input when the peer sends COMPRESS2, and cannot end MCCP. Here the work is
// one pass over the bytes, and every subnegotiation is bounded by option
// while it arrives (max_subnegotiation_bytes), so nothing is buffered past it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace natter {

struct TelnetSnapshot;

// Telnet command bytes (RFC 854, RFC 885 for EOR).
namespace telnet_cmd {
inline constexpr unsigned char eor = 239;
inline constexpr unsigned char se = 240;
inline constexpr unsigned char nop = 241;
inline constexpr unsigned char dm = 242;
inline constexpr unsigned char brk = 243;  // break
inline constexpr unsigned char ip = 244;   // interrupt process
inline constexpr unsigned char ao = 245;   // abort output
inline constexpr unsigned char ayt = 246;  // are you there
inline constexpr unsigned char ec = 247;   // erase character
inline constexpr unsigned char el = 248;   // erase line
inline constexpr unsigned char ga = 249;   // go ahead
inline constexpr unsigned char sb = 250;
inline constexpr unsigned char will = 251;
inline constexpr unsigned char wont = 252;
inline constexpr unsigned char do_ = 253;
inline constexpr unsigned char dont = 254;
inline constexpr unsigned char iac = 255;
}  // namespace telnet_cmd

// Telnet option codes natter knows by name.
namespace telnet_opt {
inline constexpr unsigned char echo = 1;
inline constexpr unsigned char sga = 3;
inline constexpr unsigned char ttype = 24;
inline constexpr unsigned char eor = 25;
inline constexpr unsigned char naws = 31;
inline constexpr unsigned char linemode = 34;
inline constexpr unsigned char environ = 36;
inline constexpr unsigned char new_environ = 39;
inline constexpr unsigned char charset = 42;
inline constexpr unsigned char mssp = 70;
inline constexpr unsigned char mccp2 = 86;
inline constexpr unsigned char mccp3 = 87;
inline constexpr unsigned char mxp = 91;
inline constexpr unsigned char gmcp = 201;
}  // namespace telnet_opt

// Which end performs an option: `local` is natter (WILL/WONT from us,
// DO/DONT from the peer), `remote` is the peer (WILL/WONT from it).
enum class TelnetSide : unsigned char { local, remote };

// What a peer may not do.
enum class TelnetViolation : unsigned char {
    // A subnegotiation longer than its option allows; it was discarded whole.
    oversized_subnegotiation,
    // The peer started compressing its own input (IAC SB COMPRESS2/MCCP3),
    // which natter never offers: what follows is no longer telnet, so the
    // codec stops reading and the connection must close.
    client_compression,
};

class TelnetListener {
public:
    virtual void on_telnet_data(std::string_view bytes) = 0;   // IAC sequences already removed
    virtual void on_telnet_send(std::string_view bytes) = 0;   // replies for the peer
    virtual void on_telnet_command(unsigned char command) = 0;  // AYT, IP, BRK, EC, EL, AO
    // `count` is how many violations of this kind the connection has made.
    virtual void on_telnet_violation(TelnetViolation violation, unsigned char option, unsigned count) = 0;
    // Whether to agree when the peer asks us to perform (local) or offers to
    // perform (remote) `option`. Asked only when the option is off.
    [[nodiscard]] virtual bool telnet_accepts(unsigned char /*option*/, TelnetSide /*side*/) { return false; }
    // An option came on (enabled) or went off; also (enabled false) when the
    // peer refused one we asked for.
    virtual void on_telnet_option(unsigned char /*option*/, TelnetSide /*side*/, bool /*enabled*/) {}
    // A whole subnegotiation within its bound (IAC IAC already one byte).
    virtual void on_telnet_subnegotiation(unsigned char /*option*/, std::string_view /*payload*/) {}

protected:
    ~TelnetListener() = default;
};

class Telnet {
public:
    Telnet();
    ~Telnet();
    Telnet(Telnet&&) noexcept;
    Telnet& operator=(Telnet&&) noexcept;
    Telnet(const Telnet&) = delete;
    Telnet& operator=(const Telnet&) = delete;

    // Parses `bytes`; every event goes to `listener` before this returns.
    void receive(std::string_view bytes, TelnetListener& listener);

    // Asks for an option to come on or go off (RFC 1143: a request already
    // under way is queued, never repeated, so negotiation cannot loop).
    void enable(unsigned char option, TelnetSide side, TelnetListener& listener);
    void disable(unsigned char option, TelnetSide side, TelnetListener& listener);
    [[nodiscard]] bool enabled(unsigned char option, TelnetSide side) const;

    // Whether the peer has sent any IAC at all (a telnet client, not nc).
    [[nodiscard]] bool active() const { return state_ != nullptr; }

    // The option states and a sequence half read, for a hot restart.
    [[nodiscard]] TelnetSnapshot snapshot() const;
    void restore(const TelnetSnapshot& snapshot);
    // Forgets an option on our side without telling the peer (a stream
    // that cannot cross a restart: the new process offers it again).
    void forget_local(unsigned char option);

    // The largest payload a subnegotiation of `option` may carry, after
    // IAC IAC un-escaping; a longer one is discarded whole.
    [[nodiscard]] static std::size_t max_subnegotiation_bytes(unsigned char option);
    // IAC SB option <payload, 0xFF doubled> IAC SE, ready to send.
    [[nodiscard]] static std::string subnegotiation(unsigned char option, std::string_view payload);

private:
    struct State;
    State& state();
    void receive_byte(State& s, unsigned char byte, TelnetListener& listener);
    void end_subnegotiation(State& s, TelnetListener& listener);
    void on_negotiation(State& s, unsigned char verb, unsigned char option, TelnetListener& listener);

    // Made on the first IAC either way: a client that never sends one (nc,
    // scripts) costs one pointer and no work per read.
    std::unique_ptr<State> state_;
};

}  // namespace natter
