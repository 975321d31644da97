// A MUD client of the tests' own, on a raw socket, independent of natter's
// telnet code: it takes apart what the server sends (negotiation verbs,
// subnegotiations, GMCP messages, prompt marks, lines), inflates it once an
// MCCP2 stream starts (zlib) and plain again after the stream ends, and
// sends whatever bytes a test scripts — so each test can play one client's
// dialect and assert bytes. Every wait is bounded.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/tcp_client.hpp"
#include "tests/support/timeouts.hpp"

namespace natter::test {

class MudPeer {
public:
    struct Item {
        enum class Kind { verb, subnegotiation, mark, line } kind;
        unsigned char code = 0;    // verb: 251-254; mark: EOR (239) or GA (249)
        unsigned char option = 0;  // verb and subnegotiation
        std::string text;          // line (no CR LF), or subnegotiation payload (un-escaped)
    };

    explicit MudPeer(std::uint16_t port);
    ~MudPeer();
    MudPeer(const MudPeer&) = delete;
    MudPeer& operator=(const MudPeer&) = delete;

    bool send(std::string_view bytes) { return tcp_.send(bytes); }
    bool send_line(std::string_view text) { return tcp_.send_line(text); }

    // The first item not yet taken that satisfies `match`, reading more if
    // need be until the time is up. Items passed over stay to be taken by a
    // later call (so a test may wait for things in any order); every item
    // read is also kept in seen().
    std::optional<Item> read_until(const std::function<bool(const Item&)>& match, Millis timeout = default_timeout);
    std::optional<Item> expect_verb(unsigned char verb, unsigned char option, Millis timeout = default_timeout);
    std::optional<Item> expect_subnegotiation(unsigned char option, Millis timeout = default_timeout);
    std::optional<std::string> expect_line(const std::function<bool(std::string_view)>& match,
                                           Millis timeout = default_timeout);
    // The next GMCP message whose text starts with `prefix`.
    std::optional<std::string> expect_gmcp(std::string_view prefix, Millis timeout = default_timeout);

    [[nodiscard]] const std::vector<Item>& seen() const { return seen_; }
    // The bytes of the first read, as they came (before any inflating).
    [[nodiscard]] const std::string& first_read() const { return first_read_; }
    [[nodiscard]] bool compressed() const { return inflating_; }
    [[nodiscard]] bool stream_ended() const { return streams_ended_ > 0; }
    [[nodiscard]] std::size_t wire_bytes() const { return wire_bytes_; }
    [[nodiscard]] bool closed() const { return tcp_.peer_closed(); }

private:
    bool fill(Millis timeout);
    void feed(std::string_view plain);
    void parse();

    TcpClient tcp_;
    struct Inflater;
    Inflater* inflater_ = nullptr;
    bool inflating_ = false;
    int streams_ended_ = 0;
    std::string plain_;  // inflated (or plain) bytes not yet taken apart
    std::string text_;   // the line being assembled
    std::vector<Item> items_;
    std::size_t next_ = 0;  // the next item read_until looks at
    std::vector<Item> passed_;  // read, not yet taken
    std::vector<Item> seen_;
    std::string first_read_;
    std::size_t wire_bytes_ = 0;
};

// Telnet bytes, for scripts: IAC <verb> <option>, and IAC SB <option> <payload> IAC SE.
std::string telnet_verb(unsigned char verb, unsigned char option);
std::string telnet_sb(unsigned char option, std::string_view payload);

}  // namespace natter::test
