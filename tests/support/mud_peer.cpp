#include "tests/support/mud_peer.hpp"

#include <chrono>
#include <stdexcept>

#include <zlib.h>

namespace natter::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr unsigned char iac = 255;
constexpr unsigned char sb = 250;
constexpr unsigned char se = 240;
constexpr unsigned char mccp2 = 86;

}  // namespace

struct MudPeer::Inflater {
    z_stream z{};
    Inflater() {
        if (inflateInit(&z) != Z_OK) throw std::runtime_error("inflateInit failed");
    }
    ~Inflater() { inflateEnd(&z); }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;
};

std::string telnet_verb(unsigned char verb, unsigned char option) {
    return {static_cast<char>(iac), static_cast<char>(verb), static_cast<char>(option)};
}

std::string telnet_sb(unsigned char option, std::string_view payload) {
    std::string out{static_cast<char>(iac), static_cast<char>(sb), static_cast<char>(option)};
    for (const char c : payload) {
        out.push_back(c);
        if (static_cast<unsigned char>(c) == iac) out.push_back(c);
    }
    out.push_back(static_cast<char>(iac));
    out.push_back(static_cast<char>(se));
    return out;
}

MudPeer::MudPeer(std::uint16_t port) : tcp_{port} {}

MudPeer::~MudPeer() { delete inflater_; }

bool MudPeer::fill(Millis timeout) {
    const auto bytes = tcp_.read_raw(timeout);
    if (bytes.empty()) return false;
    if (wire_bytes_ == 0) first_read_ = bytes;
    wire_bytes_ += bytes.size();
    feed(bytes);
    return true;
}

void MudPeer::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        if (!inflating_) {
            plain_.append(bytes);
            bytes = {};
            parse();
            if (inflating_) {
                // What followed the start marker is compressed: inflate it.
                std::string rest;
                rest.swap(plain_);
                feed(rest);
            }
            return;
        }
        auto& z = inflater_->z;
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
        z.avail_in = static_cast<uInt>(bytes.size());
        std::string out;
        int status = Z_OK;
        char buffer[16384];
        do {
            z.next_out = reinterpret_cast<Bytef*>(buffer);
            z.avail_out = sizeof buffer;
            status = inflate(&z, Z_SYNC_FLUSH);
            out.append(buffer, sizeof buffer - z.avail_out);
        } while (status == Z_OK && (z.avail_in > 0 || z.avail_out == 0));
        const std::string_view left{reinterpret_cast<const char*>(z.next_in), z.avail_in};
        plain_.append(out);
        parse();
        if (status == Z_STREAM_END) {
            // The stream ended: what follows is plain again.
            inflating_ = false;
            ++streams_ended_;
            delete inflater_;
            inflater_ = nullptr;
            bytes = left;
        } else {
            if (status != Z_OK && status != Z_BUF_ERROR) throw std::runtime_error("the compressed stream is corrupt");
            bytes = {};
        }
    }
}

void MudPeer::parse() {
    std::size_t i = 0;
    const std::size_t n = plain_.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(plain_[i]);
        if (c != iac) {
            if (c == '\n') {
                if (!text_.empty() && text_.back() == '\r') text_.pop_back();
                items_.push_back({Item::Kind::line, 0, 0, text_});
                text_.clear();
            } else {
                text_.push_back(static_cast<char>(c));
            }
            ++i;
            continue;
        }
        if (i + 1 >= n) break;  // the rest has yet to arrive
        const auto command = static_cast<unsigned char>(plain_[i + 1]);
        if (command >= 251 && command <= 254) {
            if (i + 2 >= n) break;
            items_.push_back({Item::Kind::verb, command, static_cast<unsigned char>(plain_[i + 2]), {}});
            i += 3;
        } else if (command == sb) {
            if (i + 2 >= n) break;
            const auto option = static_cast<unsigned char>(plain_[i + 2]);
            std::string payload;
            std::size_t j = i + 3;
            bool complete = false;
            while (j + 1 < n) {
                const auto b = static_cast<unsigned char>(plain_[j]);
                if (b == iac) {
                    const auto next = static_cast<unsigned char>(plain_[j + 1]);
                    if (next == se) {
                        complete = true;
                        break;
                    }
                    payload.push_back(static_cast<char>(next));
                    j += 2;
                } else {
                    payload.push_back(static_cast<char>(b));
                    ++j;
                }
            }
            if (!complete) break;
            i = j + 2;
            if (option == mccp2 && payload.empty()) {
                inflater_ = new Inflater;
                inflating_ = true;
                plain_.erase(0, i);
                return;
            }
            items_.push_back({Item::Kind::subnegotiation, 0, option, std::move(payload)});
        } else if (command == 239 || command == 249) {
            items_.push_back({Item::Kind::mark, command, 0, {}});
            i += 2;
        } else if (command == iac) {
            text_.push_back('\xFF');
            i += 2;
        } else {
            i += 2;  // NOP and the like
        }
    }
    plain_.erase(0, i);
}

std::optional<MudPeer::Item> MudPeer::read_until(const std::function<bool(const Item&)>& match, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    for (auto it = passed_.begin(); it != passed_.end(); ++it) {
        if (match(*it)) {
            auto item = std::move(*it);
            passed_.erase(it);
            return item;
        }
    }
    for (int rounds = 0; rounds < 100000; ++rounds) {
        while (next_ < items_.size()) {
            const auto& item = items_[next_++];
            seen_.push_back(item);
            if (match(item)) return item;
            if (passed_.size() < 10000) passed_.push_back(item);
        }
        const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
        if (left.count() <= 0 || !fill(left)) return std::nullopt;
    }
    return std::nullopt;
}

std::optional<MudPeer::Item> MudPeer::expect_verb(unsigned char verb, unsigned char option, Millis timeout) {
    return read_until([&](const Item& i) { return i.kind == Item::Kind::verb && i.code == verb && i.option == option; },
                      timeout);
}

std::optional<MudPeer::Item> MudPeer::expect_subnegotiation(unsigned char option, Millis timeout) {
    return read_until([&](const Item& i) { return i.kind == Item::Kind::subnegotiation && i.option == option; },
                      timeout);
}

std::optional<std::string> MudPeer::expect_line(const std::function<bool(std::string_view)>& match, Millis timeout) {
    const auto item = read_until([&](const Item& i) { return i.kind == Item::Kind::line && match(i.text); }, timeout);
    if (!item) return std::nullopt;
    return item->text;
}

std::optional<std::string> MudPeer::expect_gmcp(std::string_view prefix, Millis timeout) {
    const auto item = read_until(
        [&](const Item& i) {
            return i.kind == Item::Kind::subnegotiation && i.option == 201 && i.text.starts_with(prefix);
        },
        timeout);
    if (!item) return std::nullopt;
    return item->text;
}

}  // namespace natter::test
