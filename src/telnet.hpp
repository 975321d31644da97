// The telnet protocol of one connection (RFC 854/855, RFC 1143 through
// libtelnet): takes raw bytes from the peer, passes on the data bytes, and
// produces the bytes the peer must be sent in reply. Does no I/O, so it can
// be fed bytes split anywhere.
#pragma once

#include <string_view>

struct telnet_t;
union telnet_event_t;

namespace natter {

// The telnet commands a session acts on (RFC 854).
namespace telnet_command {
inline constexpr unsigned char brk = 243;  // break
inline constexpr unsigned char ip = 244;   // interrupt process
inline constexpr unsigned char ayt = 246;  // are you there
inline constexpr unsigned char ec = 247;   // erase character
inline constexpr unsigned char el = 248;   // erase line
}  // namespace telnet_command

class TelnetListener {
public:
    virtual void on_telnet_data(std::string_view bytes) = 0;   // IAC sequences already removed
    virtual void on_telnet_send(std::string_view bytes) = 0;   // negotiation replies for the peer
    virtual void on_telnet_command(unsigned char command) = 0;  // AYT, IP, BRK, EC, EL, ...

protected:
    ~TelnetListener() = default;
};

class Telnet {
public:
    explicit Telnet(TelnetListener& listener);
    ~Telnet();
    Telnet(const Telnet&) = delete;
    Telnet& operator=(const Telnet&) = delete;

    void receive(std::string_view bytes);

    // Asks the client to stop (true) or resume (false) local echo, for
    // password prompts: IAC WILL ECHO / IAC WONT ECHO.
    void set_server_echo(bool on);

private:
    static void on_event(telnet_t* telnet, telnet_event_t* event, void* self) noexcept;
    void handle(const telnet_event_t& event);

    // libtelnet's state, made on first need: a client that never sends an
    // IAC (nc, scripts) costs no allocation and no parser call per read.
    telnet_t* state();

    TelnetListener& listener_;
    telnet_t* telnet_ = nullptr;
    // libtelnet gives up on a subnegotiation longer than its 16 KiB buffer and
    // returns to data mode mid-SB; the rest of that SB up to IAC SE must still
    // never reach a command, so it is dropped here.
    bool discarding_subnegotiation_ = false;
};

}  // namespace natter
