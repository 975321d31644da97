#include "src/telnet.hpp"

#include <new>

#include <libtelnet.h>

namespace natter {
namespace {
// No options are offered or accepted on request: libtelnet refuses every DO
// and WILL from the peer. Options the server starts itself (ECHO for
// passwords) are negotiated with telnet_negotiate and tracked by RFC 1143.
const telnet_telopt_t no_options[] = {{-1, 0, 0}};
}  // namespace

Telnet::Telnet(TelnetListener& listener) : listener_{listener} {}

Telnet::~Telnet() {
    if (telnet_ != nullptr) telnet_free(telnet_);
}

telnet_t* Telnet::state() {
    if (telnet_ == nullptr) {
        telnet_ = telnet_init(no_options, &Telnet::on_event, 0, this);
        if (telnet_ == nullptr) throw std::bad_alloc{};
    }
    return telnet_;
}

void Telnet::receive(std::string_view bytes) {
    // Until the peer sends its first IAC there is no telnet state to keep:
    // the bytes are data as they are (nc and most scripts never send one).
    if (telnet_ == nullptr && bytes.find('\xFF') == std::string_view::npos) {
        if (!bytes.empty()) listener_.on_telnet_data(bytes);
        return;
    }
    telnet_recv(state(), bytes.data(), bytes.size());
}

void Telnet::set_server_echo(bool on) {
    telnet_negotiate(state(), on ? TELNET_WILL : TELNET_WONT, TELNET_TELOPT_ECHO);
}

void Telnet::on_event(telnet_t*, telnet_event_t* event, void* self) noexcept {
    static_cast<Telnet*>(self)->handle(*event);
}

void Telnet::handle(const telnet_event_t& event) {
    switch (event.type) {
    case TELNET_EV_DATA:
        if (!discarding_subnegotiation_) listener_.on_telnet_data({event.data.buffer, event.data.size});
        break;
    case TELNET_EV_SEND:
        listener_.on_telnet_send({event.data.buffer, event.data.size});
        break;
    case TELNET_EV_IAC:
        if (discarding_subnegotiation_ && event.iac.cmd == TELNET_SE) {
            discarding_subnegotiation_ = false;
        } else if (!discarding_subnegotiation_) {
            listener_.on_telnet_command(event.iac.cmd);
        }
        break;
    case TELNET_EV_WARNING:
        // libtelnet 0.21 leaves errcode unset in warnings; the message is
        // the only reliable sign of the overflow.
        if (event.error.msg != nullptr &&
            std::string_view{event.error.msg}.starts_with("subnegotiation buffer size limit")) {
            discarding_subnegotiation_ = true;
        }
        break;
    case TELNET_EV_SUBNEGOTIATION:
        // An IAC SB inside the dropped tail made libtelnet parse a new one;
        // its IAC SE is the first one, which ends the overlong SB too.
        discarding_subnegotiation_ = false;
        break;
    default:
        // Negotiation replies are already sent by libtelnet; subnegotiations
        // carry nothing natter uses yet.
        break;
    }
}

}  // namespace natter
