// One person's connection as the core sees it: bytes in (telnet, framing,
// sanitising), lines to the current room, events out rendered for this
// client's variant into an outbox, and the output the network layer sends
// (compressed when MCCP2 is on). Never touches a socket; the network layer
// owns the Session and finds its connection through `link`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <vector>

#include <memory>

#include "src/client_profile.hpp"
#include "src/config.hpp"
#include "src/event.hpp"
#include "src/flood_gate.hpp"
#include "src/line_framer.hpp"
#include "src/render/variant.hpp"
#include "src/telnet.hpp"
#include "src/telnet_negotiation.hpp"
#include "src/user_info.hpp"

namespace natter {

class World;
class Room;
struct SessionSnapshot;

class Session final : private NegotiationHost, private LineSink {
public:
    using Clock = std::chrono::steady_clock;

    Session(World& world, std::string address, ListenerKind kind = ListenerKind::telnet);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Puts the new session in the LoginRoom (which greets it), or refuses
    // it with one line if its address is banned or locked out.
    void start();

    // Raw bytes from the peer. Complete lines are dispatched before it returns.
    void receive(std::string_view bytes);
    // A message from a web client (a WebSocket message): each line of it is
    // a command line, as if typed.
    void receive_text(std::string_view text);
    // True (once) when input since the last call went to a password prompt
    // or was held while a password was checked: the caller then wipes the
    // buffer it passed to receive().
    // Input held a secret that did not come through a password prompt (a
    // GMCP log-in): the read buffer is wiped as after one.
    void note_secret_input() { secret_input_ = true; }
    [[nodiscard]] bool took_secret_input() {
        const bool took = secret_input_;
        secret_input_ = false;
        return took;
    }

    // A line of server text for this client (a system event): `line` and
    // CR LF for a plain client. `line` must be sanitised text.
    void send(std::string_view line);
    // Renders `event` for this client's variant into the outbox.
    void deliver(const Event& event);
    // Appends bytes as they are (rendered already, or telnet commands);
    // false if they were not (the output limit was passed).
    bool send_raw(std::string_view bytes);

    // How this client wants events rendered; plain_variant for nc and plain
    // telnet, whose bytes are the classic ones.
    [[nodiscard]] const Variant& variant() const { return variant_; }
    [[nodiscard]] std::uint32_t variant_key() const { return variant_key_; }  // variant().key(), kept
    // What natter knows of the client, or nullptr (it told nothing).
    [[nodiscard]] const ClientProfile* profile() const { return profile_.get(); }
    // The profile, made on first use (the `client` command sets things in it).
    [[nodiscard]] ClientProfile& profile_for_update();
    // Call after changing the profile: the variant follows it.
    void update_variant();
    [[nodiscard]] ListenerKind listener_kind() const { return kind_; }
    // Whether the bytes cross the network encrypted: a TLS port, or a
    // trusted proxy that says it took the client's TLS.
    [[nodiscard]] bool encrypted() const { return encrypted_; }
    void set_encrypted() { encrypted_ = true; }
    // Sends IAC NOP when nothing came in for `after` and no NOP went out in
    // as long, to a MUD client only (nc would print it): keeps routers that
    // drop silent connections from dropping this one.
    void keep_alive(Clock::time_point now, std::chrono::seconds after);

    // Leaves the current room (with its notices) and enters `room`.
    void enter(Room& room);

    // Ends the session: it moves to the LogoutRoom, which releases the name;
    // the network layer closes the connection once the outbox is flushed.
    // Safe to call more than once; the first reason is kept.
    void disconnect(std::string_view reason);

    // The disconnect of this session is not logged (connections turned away
    // under pressure are counted per episode instead).
    void set_quiet() { quiet_ = true; }

    // Called by the LogoutRoom: from now on no input is processed.
    void mark_closing();

    [[nodiscard]] World& world() const { return world_; }
    [[nodiscard]] Room* room() const { return room_; }
    [[nodiscard]] const std::string& name() const { return name_; }
    void set_name(std::string name) { name_ = std::move(name); }
    [[nodiscard]] const std::string& address() const { return address_; }
    [[nodiscard]] bool closing() const { return closing_; }
    // Its output passed the limit, or it stopped taking output: close
    // without waiting to flush.
    [[nodiscard]] bool abandoned() const { return abandoned_; }
    // Gives up on this client's output (it cannot or will not take it): the
    // outbox is dropped and the session disconnected at the next safe point.
    void abandon(std::string reason);
    [[nodiscard]] const std::string& close_reason() const;
    [[nodiscard]] Clock::time_point last_input() const { return last_input_; }
    [[nodiscard]] Clock::time_point connected_at() const { return connected_at_; }
    // Whether the idle warning was sent since the last input.
    [[nodiscard]] bool idle_warned() const { return idle_warned_; }
    void set_idle_warned() { idle_warned_ = true; }
    // Asks the client to stop (true) or resume (false) its local echo, for
    // password prompts: IAC WILL ECHO / IAC WONT ECHO.
    void set_server_echo(bool on);

    // Talker state: whom `reply` answers, and whose lines this session drops.
    [[nodiscard]] const std::string& reply_to() const;
    void set_reply_to(std::string name) { extras().reply_to = std::move(name); }
    // Inline for the usual case, an empty list: it is asked for every
    // receiver of every broadcast.
    [[nodiscard]] bool ignores(const Session& other) const {
        return extras_ && !extras_->ignored.empty() && ignores_listed(other);
    }
    [[nodiscard]] bool ignores_name(std::string_view name) const;  // the same for a name, any case
    bool ignore(std::string_view name);    // false if already ignored
    bool unignore(std::string_view name);  // false if not ignored
    [[nodiscard]] const std::vector<std::string>& ignored() const;

    // What the user shows of themselves (description, profile, away), or
    // nullptr while they have set nothing.
    [[nodiscard]] const UserInfo* info() const { return extras_ ? extras_->info.get() : nullptr; }
    // The info, made on first use.
    [[nodiscard]] UserInfo& info_for_update();
    [[nodiscard]] bool away() const { return extras_ && extras_->info && extras_->info->away; }

    // Rendered output not yet handed on (tests read it here).
    [[nodiscard]] std::string& outbox() { return outbox_; }
    // The network layer's side: the bytes to send now, from the front. With
    // MCCP2 on, the outbox is compressed into it first; the bytes before a
    // compressed stream starts, and the end of one, go in writes of their
    // own. The same buffer is returned until it is empty or more output is
    // made, so what the kernel took is erased from it.
    [[nodiscard]] std::string& output();
    // Bytes handed to the kernel but not yet confirmed; they count against
    // the output limit together with the outbox.
    void set_bytes_in_flight(std::size_t bytes) { in_flight_ = bytes; }
    // Output not yet taken by the kernel: the outbox, what is compressed and
    // waiting, and what is in flight.
    [[nodiscard]] std::size_t pending_output() const {
        return outbox_.size() + in_flight_ + (profile_ ? profile_->compressed.size() : 0);
    }

    // A number no other session of this world had; slow work keeps it and
    // finds the session again through World::find_session.
    [[nodiscard]] std::uint64_t id() const { return id_; }

    // Password prompts: sends `prompt`, asks the client to stop echoing, and
    // hands the next line to `handler` as typed: never sanitised, logged,
    // echoed or dispatched, and wiped when the handler returns. Echo comes
    // back on unless the handler asks again.
    using SecretHandler = std::function<void(Session& session, std::string& secret)>;
    void ask_secret(std::string_view prompt, SecretHandler handler);
    // While slow work decides what comes next (a password check), typed
    // lines wait, in order; release_input() dispatches them.
    void hold_input();
    void release_input();
    // The name was proved (by password, or by registering it).
    [[nodiscard]] bool authenticated() const { return authenticated_; }
    void set_authenticated(bool proved) { authenticated_ = proved; }

    // --- hot restart
    // Before the state is saved: ends an MCCP2 stream (its end is flushed
    // with the rest; the new process offers compression again).
    void prepare_restart();
    // Everything that crosses a restart (see SessionSnapshot): never a password.
    [[nodiscard]] SessionSnapshot snapshot() const;
    // Rebuilds a session saved by snapshot() in a fresh Session made for its
    // address and kind: back in its room and the user list, telling no one.
    void restore(const SessionSnapshot& snapshot);
    // After the restart is announced: asks again for a password that was
    // being typed or checked, and offers MCCP2 again.
    void resume_after_restart();

    void* link = nullptr;  // opaque to the core: the network layer's connection

private:
    friend class World;
    friend class Room;

    void on_telnet_data(std::string_view bytes) override;
    void on_telnet_send(std::string_view bytes) override;
    void on_telnet_command(unsigned char command) override;
    void on_telnet_violation(TelnetViolation violation, unsigned char option, unsigned count) override;
    [[nodiscard]] bool telnet_accepts(unsigned char option, TelnetSide side) override;
    void on_telnet_option(unsigned char option, TelnetSide side, bool enabled) override;
    void on_telnet_subnegotiation(unsigned char option, std::string_view payload) override;
    void on_profile_changed() override { update_variant(); }
    void on_mssp_requested() override;
    void on_gmcp(std::string_view package, std::string_view body) override;
    void on_compression(bool on) override;
    // Ends compression, if on, with what is queued: before closing.
    void end_compression();
    void on_line(std::string_view raw) override;
    void on_overlong_line() override;
    [[nodiscard]] bool ignores_listed(const Session& other) const;
    // A line past flood control: to the password prompt or the room.
    void take_line(std::string_view raw);
    // False (and the session doomed) if `bytes` more would pass the output limit.
    bool make_room_for(std::size_t bytes);

    World& world_;
    std::unique_ptr<ClientProfile> profile_;  // made when the client tells something
    Variant variant_{};
    std::uint32_t variant_key_ = 0;
    std::string address_;
    std::string name_;
    Room* room_ = nullptr;
    Telnet telnet_;
    LineFramer framer_;
    std::string outbox_;
    std::size_t in_flight_ = 0;
    Clock::time_point connected_at_;
    Clock::time_point last_input_;
    // What only some sessions ever have, made on first use: an idle
    // connection costs one pointer for all of it.
    struct Extras {
        std::string close_reason;
        std::string reply_to;
        std::vector<std::string> ignored;  // name keys, in the order ignored
        SecretHandler secret_handler;
        // Lines typed while a password check runs; rare and few.
        std::vector<std::string> held_lines;  // may hold a password: wiped after use
        std::unique_ptr<UserInfo> info;       // made when the user sets something
        // The command line that started a password flow, typed again after
        // a restart (the flow's handlers cannot cross it).
        std::string secret_origin;
        bool offer_mccp = false;  // after a restart
    };
    Extras& extras();
    std::unique_ptr<Extras> extras_;
    // Bit-fields: two bytes for all, on every connection.
    bool closing_ : 1 = false;
    bool pending_ : 1 = false;      // in the world's flush list
    bool abandoned_ : 1 = false;    // see abandon(); waiting to be disconnected
    bool idle_warned_ : 1 = false;
    bool quiet_ : 1 = false;
    bool holding_input_ : 1 = false;
    bool echo_off_ : 1 = false;  // we asked the client not to echo (IAC WILL ECHO)
    bool authenticated_ : 1 = false;
    bool secret_input_ : 1 = false;  // see took_secret_input()
    bool mccp_starting_ : 1 = false;  // compression starts with the next output
    bool encrypted_ : 1 = false;
    // Compressing before encrypting lets a peer who controls some of the
    // text learn the rest from the lengths (CRIME): no MCCP under TLS.
    [[nodiscard]] bool mccp_allowed() const;
    ListenerKind kind_;
    FloodGate flood_gate_;
    std::uint64_t id_ = 0;  // set by World::attach

    std::list<Session*>::iterator room_position_;
    std::list<Session*>::iterator world_position_;  // in World::sessions_
    std::list<Session*>::iterator user_position_;   // in World::users_, when logged in
};

}  // namespace natter
