// A range of IP addresses in CIDR form ("127.0.0.1/32", "10.0.0.0/8",
// "::1/128", "2001:db8::/32", a bare address meaning just it), for the lists
// operators give: proxies whose X-Forwarded-For is believed, addresses that
// may read /metrics. Pure: numeric addresses only, no lookups.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace natter {

class AddressRange {
public:
    // nullopt if `text` is not a numeric address with an optional /prefix.
    [[nodiscard]] static std::optional<AddressRange> parse(std::string_view text);

    // Whether `address` (numeric; an IPv4-mapped IPv6 one counts as IPv4)
    // is in the range.
    [[nodiscard]] bool contains(std::string_view address) const;

private:
    std::array<std::uint8_t, 16> bytes_{};
    unsigned prefix_ = 0;
    bool v6_ = false;
};

// Whether any range of `ranges` contains `address`.
[[nodiscard]] bool any_contains(const std::vector<AddressRange>& ranges, std::string_view address);

// Whether `text` is a numeric IPv4 or IPv6 address.
[[nodiscard]] bool is_numeric_address(std::string_view text);

}  // namespace natter
