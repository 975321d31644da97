// Shared by the unit tests of MUD-client support: the server's output taken
// apart as a client sees it — negotiation verbs, subnegotiations (GMCP split
// into package and body), prompt marks and lines of text, in order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/session.hpp"

namespace natter::test {

struct TelnetItem {
    enum class Kind { verb, subnegotiation, mark, line, partial } kind;
    unsigned char code = 0;    // verb: WILL/WONT/DO/DONT; mark: EOR/GA; subnegotiation: 0
    unsigned char option = 0;  // verb and subnegotiation
    std::string text;          // line (no CR LF), partial line, or subnegotiation payload (un-escaped)
};

inline std::vector<TelnetItem> parse_telnet_output(std::string_view bytes) {
    std::vector<TelnetItem> items;
    std::string text;
    const auto flush_text = [&](TelnetItem::Kind kind) {
        if (text.empty()) return;
        items.push_back({kind, 0, 0, text});
        text.clear();
    };
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c != 0xFF) {
            if (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') {
                items.push_back({TelnetItem::Kind::line, 0, 0, text});
                text.clear();
                ++i;
            } else {
                text.push_back(static_cast<char>(c));
            }
            continue;
        }
        if (i + 1 >= bytes.size()) break;
        const auto command = static_cast<unsigned char>(bytes[++i]);
        if (command >= 251 && command <= 254 && i + 1 < bytes.size()) {
            flush_text(TelnetItem::Kind::partial);
            items.push_back({TelnetItem::Kind::verb, command, static_cast<unsigned char>(bytes[++i]), {}});
        } else if (command == 250 && i + 1 < bytes.size()) {
            flush_text(TelnetItem::Kind::partial);
            const auto option = static_cast<unsigned char>(bytes[++i]);
            std::string payload;
            while (i + 1 < bytes.size()) {
                const auto b = static_cast<unsigned char>(bytes[++i]);
                if (b == 0xFF && i + 1 < bytes.size()) {
                    const auto next = static_cast<unsigned char>(bytes[++i]);
                    if (next == 240) break;
                    payload.push_back(static_cast<char>(next));  // IAC IAC
                } else {
                    payload.push_back(static_cast<char>(b));
                }
            }
            items.push_back({TelnetItem::Kind::subnegotiation, 0, option, payload});
        } else if (command == 239 || command == 249) {
            flush_text(TelnetItem::Kind::partial);
            items.push_back({TelnetItem::Kind::mark, command, 0, {}});
        } else if (command == 0xFF) {
            text.push_back('\xFF');
        }
    }
    flush_text(TelnetItem::Kind::partial);
    return items;
}

// The session's output, taken apart; the outbox is emptied.
inline std::vector<TelnetItem> take_telnet(Session& session) {
    std::string bytes;
    bytes.swap(session.outbox());
    return parse_telnet_output(bytes);
}

inline std::vector<std::string> lines_of(const std::vector<TelnetItem>& items) {
    std::vector<std::string> lines;
    for (const auto& item : items) {
        if (item.kind == TelnetItem::Kind::line) lines.push_back(item.text);
    }
    return lines;
}

// The GMCP messages among `items`, each "Package.Name body".
inline std::vector<std::string> gmcp_of(const std::vector<TelnetItem>& items) {
    std::vector<std::string> messages;
    for (const auto& item : items) {
        if (item.kind == TelnetItem::Kind::subnegotiation && item.option == 201) messages.push_back(item.text);
    }
    return messages;
}

inline bool has_verb(const std::vector<TelnetItem>& items, unsigned char verb, unsigned char option) {
    for (const auto& item : items) {
        if (item.kind == TelnetItem::Kind::verb && item.code == verb && item.option == option) return true;
    }
    return false;
}

inline std::vector<std::string> subnegotiations_of(const std::vector<TelnetItem>& items, unsigned char option) {
    std::vector<std::string> payloads;
    for (const auto& item : items) {
        if (item.kind == TelnetItem::Kind::subnegotiation && item.option == option) payloads.push_back(item.text);
    }
    return payloads;
}

}  // namespace natter::test
