#include "src/telnet.hpp"

#include <vector>

#include "src/restart_state.hpp"
#include "src/wipe.hpp"

namespace natter {
namespace {

// RFC 1143 option states, one per side, with the queue bit beside them.
enum : unsigned char { q_no = 0, q_yes = 1, q_wantno = 2, q_wantyes = 3 };
constexpr unsigned char q_state = 3;
constexpr unsigned char q_opposite = 4;  // a request the other way is queued

// Past this, a subnegotiation buffer is given back once its message is
// handled: a GMCP client sends a few KiB at most once in a while.
constexpr std::size_t kept_payload_capacity = 512;

}  // namespace

struct Telnet::State {
    enum class Parse : unsigned char { data, iac, negotiation, sb_option, sb_data, sb_iac, stopped };

    struct Option {
        unsigned char code;
        unsigned char local;   // q_* | q_opposite
        unsigned char remote;
    };

    [[nodiscard]] unsigned char get(unsigned char code, TelnetSide side) const {
        for (const auto& option : options) {
            if (option.code == code) return side == TelnetSide::local ? option.local : option.remote;
        }
        return q_no;
    }
    void set(unsigned char code, TelnetSide side, unsigned char q) {
        for (auto& option : options) {
            if (option.code == code) {
                (side == TelnetSide::local ? option.local : option.remote) = q;
                return;
            }
        }
        // Only options that left q_no are kept: refusing an option keeps no
        // state, so a storm of offers costs no memory.
        Option option{code, q_no, q_no};
        (side == TelnetSide::local ? option.local : option.remote) = q;
        options.push_back(option);
    }

    Parse parse = Parse::data;
    unsigned char verb = 0;       // WILL/WONT/DO/DONT waiting for its option byte
    unsigned char sb_option = 0;  // the subnegotiation being read
    bool sb_oversized = false;    // its payload passed the bound: discarding to IAC SE
    unsigned oversized = 0;       // oversized subnegotiations so far
    std::string payload;
    std::vector<Option> options;  // the few ever negotiated
};

Telnet::Telnet() = default;
Telnet::~Telnet() = default;
Telnet::Telnet(Telnet&&) noexcept = default;
Telnet& Telnet::operator=(Telnet&&) noexcept = default;

Telnet::State& Telnet::state() {
    if (!state_) state_ = std::make_unique<State>();
    return *state_;
}

std::size_t Telnet::max_subnegotiation_bytes(unsigned char option) {
    switch (option) {
    case telnet_opt::naws:
        return 4;  // width and height, 16 bits each
    case telnet_opt::ttype:
    case telnet_opt::charset:
        return 64;
    case telnet_opt::gmcp:
        return 8 * 1024;
    default:
        return 1024;  // NEW-ENVIRON, ENVIRON and anything else
    }
}

std::string Telnet::subnegotiation(unsigned char option, std::string_view payload) {
    std::string out{static_cast<char>(telnet_cmd::iac), static_cast<char>(telnet_cmd::sb), static_cast<char>(option)};
    out.reserve(payload.size() + 5);
    for (const char c : payload) {
        out.push_back(c);
        if (static_cast<unsigned char>(c) == telnet_cmd::iac) out.push_back(c);
    }
    out.push_back(static_cast<char>(telnet_cmd::iac));
    out.push_back(static_cast<char>(telnet_cmd::se));
    return out;
}

void Telnet::receive(std::string_view bytes, TelnetListener& listener) {
    constexpr char iac = static_cast<char>(telnet_cmd::iac);
    if (!state_) {
        const auto first = bytes.find(iac);
        if (first == std::string_view::npos) {
            if (!bytes.empty()) listener.on_telnet_data(bytes);
            return;
        }
        if (first > 0) listener.on_telnet_data(bytes.substr(0, first));
        bytes.remove_prefix(first);
    }
    auto& s = state();
    while (!bytes.empty()) {
        switch (s.parse) {
        case State::Parse::stopped:
            return;
        case State::Parse::data: {
            // Data and subnegotiation payloads are taken a run at a time.
            const auto next = bytes.find(iac);
            if (next != 0) listener.on_telnet_data(bytes.substr(0, next));
            if (next == std::string_view::npos) return;
            bytes.remove_prefix(next + 1);
            s.parse = State::Parse::iac;
            break;
        }
        case State::Parse::sb_data: {
            const auto next = bytes.find(iac);
            const auto run = bytes.substr(0, next);
            if (!s.sb_oversized) {
                if (s.payload.size() + run.size() > max_subnegotiation_bytes(s.sb_option)) {
                    s.sb_oversized = true;
                    s.payload.clear();
                } else {
                    s.payload.append(run);
                }
            }
            if (next == std::string_view::npos) return;
            bytes.remove_prefix(next + 1);
            s.parse = State::Parse::sb_iac;
            break;
        }
        default:
            receive_byte(s, static_cast<unsigned char>(bytes.front()), listener);
            bytes.remove_prefix(1);
            break;
        }
    }
}

void Telnet::receive_byte(State& s, unsigned char byte, TelnetListener& listener) {
    using Parse = State::Parse;
    switch (s.parse) {
    case Parse::iac:
        s.parse = Parse::data;
        switch (byte) {
        case telnet_cmd::iac:
            listener.on_telnet_data("\xFF");
            break;
        case telnet_cmd::will:
        case telnet_cmd::wont:
        case telnet_cmd::do_:
        case telnet_cmd::dont:
            s.verb = byte;
            s.parse = Parse::negotiation;
            break;
        case telnet_cmd::sb:
            s.parse = Parse::sb_option;
            break;
        case telnet_cmd::ayt:
        case telnet_cmd::ip:
        case telnet_cmd::brk:
        case telnet_cmd::ec:
        case telnet_cmd::el:
        case telnet_cmd::ao:
            listener.on_telnet_command(byte);
            break;
        default:
            break;  // NOP, DM, GA, EOR, a stray SE: nothing to do
        }
        break;
    case Parse::negotiation:
        s.parse = Parse::data;
        on_negotiation(s, s.verb, byte, listener);
        break;
    case Parse::sb_option:
        s.sb_option = byte;
        s.sb_oversized = false;
        s.payload.clear();
        s.parse = Parse::sb_data;
        break;
    case Parse::sb_iac:
        if (byte == telnet_cmd::se) {
            s.parse = Parse::data;
            end_subnegotiation(s, listener);
        } else if (byte == telnet_cmd::iac) {
            s.parse = Parse::sb_data;
            // An escaped 0xFF is one payload byte, bounded like the rest.
            if (!s.sb_oversized && s.payload.size() + 1 > max_subnegotiation_bytes(s.sb_option)) {
                s.sb_oversized = true;
                s.payload.clear();
            } else if (!s.sb_oversized) {
                s.payload.push_back('\xFF');
            }
        } else {
            // IAC and a command inside a subnegotiation: the peer never ended
            // it. It is dropped, and the command is taken as one, so a
            // missing IAC SE cannot swallow the rest of the stream.
            s.payload.clear();
            s.parse = Parse::iac;
            receive_byte(s, byte, listener);
        }
        break;
    case Parse::data:
    case Parse::sb_data:
    case Parse::stopped:
        break;  // handled a run at a time in receive()
    }
}

void Telnet::end_subnegotiation(State& s, TelnetListener& listener) {
    const unsigned char option = s.sb_option;
    if (option == telnet_opt::mccp2 || option == telnet_opt::mccp3) {
        // Compression is the server's to start (MCCP2) or to offer (MCCP3),
        // and natter offers neither for input: the bytes after this would be
        // a zlib stream, so nothing more of this connection is parsed.
        s.parse = State::Parse::stopped;
        s.payload.clear();
        listener.on_telnet_violation(TelnetViolation::client_compression, option, 1);
        return;
    }
    if (s.sb_oversized) {
        s.sb_oversized = false;
        listener.on_telnet_violation(TelnetViolation::oversized_subnegotiation, option, ++s.oversized);
        return;
    }
    // The listener reads the payload in place; it must not feed this codec
    // from inside the call. A payload may hold a password (a GMCP log-in),
    // so it is wiped, not just dropped.
    listener.on_telnet_subnegotiation(option, s.payload);
    wipe(s.payload);
    if (s.payload.capacity() > kept_payload_capacity) std::string{}.swap(s.payload);
}

void Telnet::on_negotiation(State& s, unsigned char verb, unsigned char option, TelnetListener& listener) {
    const bool from_remote = verb == telnet_cmd::will || verb == telnet_cmd::wont;
    const TelnetSide side = from_remote ? TelnetSide::remote : TelnetSide::local;
    const bool positive = verb == telnet_cmd::will || verb == telnet_cmd::do_;
    const unsigned char yes_verb = from_remote ? telnet_cmd::do_ : telnet_cmd::will;
    const unsigned char no_verb = from_remote ? telnet_cmd::dont : telnet_cmd::wont;
    const auto send = [&](unsigned char reply) {
        const char bytes[] = {static_cast<char>(telnet_cmd::iac), static_cast<char>(reply), static_cast<char>(option)};
        listener.on_telnet_send({bytes, sizeof bytes});
    };
    // The state is updated before any listener call, and never held across
    // one: a listener may negotiate from inside it.
    const unsigned char q = s.get(option, side);
    const bool queued = (q & q_opposite) != 0;
    if (positive) {
        switch (q & q_state) {
        case q_no:
            if (listener.telnet_accepts(option, side)) {
                s.set(option, side, q_yes);
                send(yes_verb);
                listener.on_telnet_option(option, side, true);
            } else {
                send(no_verb);  // no state kept: refusing again is as cheap
            }
            break;
        case q_yes:
            break;
        case q_wantno:
            // Our "no" was answered "yes": an error the peer will correct,
            // unless we had queued a "yes" meanwhile.
            s.set(option, side, queued ? q_yes : q_no);
            if (queued) listener.on_telnet_option(option, side, true);
            break;
        case q_wantyes:
            if (queued) {
                s.set(option, side, q_wantno);
                send(no_verb);
            } else {
                s.set(option, side, q_yes);
                listener.on_telnet_option(option, side, true);
            }
            break;
        }
    } else {
        switch (q & q_state) {
        case q_no:
            break;
        case q_yes:
            s.set(option, side, q_no);
            send(no_verb);
            listener.on_telnet_option(option, side, false);
            break;
        case q_wantno:
            if (queued) {
                s.set(option, side, q_wantyes);
                send(yes_verb);
            } else {
                s.set(option, side, q_no);
            }
            break;
        case q_wantyes:
            s.set(option, side, q_no);  // refused
            listener.on_telnet_option(option, side, false);
            break;
        }
    }
}

void Telnet::enable(unsigned char option, TelnetSide side, TelnetListener& listener) {
    auto& s = state();
    const unsigned char q = s.get(option, side);
    switch (q & q_state) {
    case q_no: {
        s.set(option, side, q_wantyes);
        const char bytes[] = {static_cast<char>(telnet_cmd::iac),
                              static_cast<char>(side == TelnetSide::local ? telnet_cmd::will : telnet_cmd::do_),
                              static_cast<char>(option)};
        listener.on_telnet_send({bytes, sizeof bytes});
        break;
    }
    case q_yes:
        break;
    case q_wantno:
        s.set(option, side, q_wantno | q_opposite);  // on again once the "no" is answered
        break;
    case q_wantyes:
        s.set(option, side, q_wantyes);  // cancels a queued "off"
        break;
    }
}

void Telnet::disable(unsigned char option, TelnetSide side, TelnetListener& listener) {
    if (!state_) return;  // nothing was ever on
    auto& s = *state_;
    const unsigned char q = s.get(option, side);
    switch (q & q_state) {
    case q_no:
        break;
    case q_yes: {
        s.set(option, side, q_wantno);
        const char bytes[] = {static_cast<char>(telnet_cmd::iac),
                              static_cast<char>(side == TelnetSide::local ? telnet_cmd::wont : telnet_cmd::dont),
                              static_cast<char>(option)};
        listener.on_telnet_send({bytes, sizeof bytes});
        break;
    }
    case q_wantno:
        s.set(option, side, q_wantno);  // cancels a queued "on"
        break;
    case q_wantyes:
        s.set(option, side, q_wantyes | q_opposite);  // off again once the "yes" is answered
        break;
    }
}

bool Telnet::enabled(unsigned char option, TelnetSide side) const {
    return state_ && (state_->get(option, side) & q_state) == q_yes;
}

TelnetSnapshot Telnet::snapshot() const {
    TelnetSnapshot out;
    if (!state_) return out;
    for (const auto& option : state_->options) out.options.push_back({option.code, option.local, option.remote});
    out.parse = static_cast<std::uint8_t>(state_->parse);
    out.verb = state_->verb;
    out.sb_option = state_->sb_option;
    out.sb_oversized = state_->sb_oversized;
    out.oversized = state_->oversized;
    out.payload = state_->payload;
    return out;
}

void Telnet::restore(const TelnetSnapshot& snapshot) {
    const bool idle = snapshot.options.empty() && snapshot.parse == 0 && snapshot.payload.empty() &&
                      snapshot.oversized == 0;
    if (idle) {
        state_.reset();
        return;
    }
    auto& s = state();
    s.options.clear();
    for (const auto& option : snapshot.options) s.options.push_back({option.code, option.local, option.remote});
    s.parse = snapshot.parse <= static_cast<std::uint8_t>(State::Parse::stopped)
                  ? static_cast<State::Parse>(snapshot.parse)
                  : State::Parse::data;
    s.verb = snapshot.verb;
    s.sb_option = snapshot.sb_option;
    s.sb_oversized = snapshot.sb_oversized;
    s.oversized = snapshot.oversized;
    s.payload = snapshot.payload;
}

void Telnet::forget_local(unsigned char option) {
    if (state_) state_->set(option, TelnetSide::local, q_no);
}

}  // namespace natter
