#include "src/address_range.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace natter {
namespace {

// The 4 or 16 bytes of a numeric address, IPv4-mapped IPv6 turned to IPv4.
bool to_bytes(std::string_view text, std::array<std::uint8_t, 16>& bytes, bool& v6) {
    if (text.empty() || text.size() > 45) return false;
    const std::string copy{text};
    bytes.fill(0);
    if (inet_pton(AF_INET, copy.c_str(), bytes.data()) == 1) {
        v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, copy.c_str(), bytes.data()) != 1) return false;
    constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(bytes.data(), mapped, sizeof mapped) == 0) {
        std::memmove(bytes.data(), bytes.data() + 12, 4);
        std::memset(bytes.data() + 4, 0, 12);
        v6 = false;
    } else {
        v6 = true;
    }
    return true;
}

}  // namespace

std::optional<AddressRange> AddressRange::parse(std::string_view text) {
    AddressRange range;
    const auto slash = text.find('/');
    if (!to_bytes(text.substr(0, slash), range.bytes_, range.v6_)) return std::nullopt;
    const unsigned bits = range.v6_ ? 128 : 32;
    range.prefix_ = bits;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        unsigned prefix = 0;
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() || prefix > bits) {
            return std::nullopt;
        }
        range.prefix_ = prefix;
    }
    return range;
}

bool AddressRange::contains(std::string_view address) const {
    std::array<std::uint8_t, 16> bytes{};
    bool v6 = false;
    if (!to_bytes(address, bytes, v6) || v6 != v6_) return false;
    const unsigned whole = prefix_ / 8;
    if (std::memcmp(bytes.data(), bytes_.data(), whole) != 0) return false;
    const unsigned rest = prefix_ % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xFFU << (8 - rest));
    return (bytes[whole] & mask) == (bytes_[whole] & mask);
}

bool any_contains(const std::vector<AddressRange>& ranges, std::string_view address) {
    for (const auto& range : ranges) {
        if (range.contains(address)) return true;
    }
    return false;
}

bool is_numeric_address(std::string_view text) {
    std::array<std::uint8_t, 16> bytes{};
    bool v6 = false;
    return to_bytes(text, bytes, v6);
}

}  // namespace natter
