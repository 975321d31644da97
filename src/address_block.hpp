// The unit of addresses one party can be expected to hold: a whole IPv4
// address, or the /64 of an IPv6 one (the least a site is given, so anyone
// with one IPv6 address has 2^64 more). Limits that count "per address" key
// on this. Pure; knows nothing of sockets or sessions.
#pragma once

#include <string>
#include <string_view>

namespace natter {

// "192.0.2.7" stays as it is; "2001:db8:1:2:a:b:c:d" becomes
// "2001:db8:1:2::/64"; an IPv4-mapped IPv6 address ("::ffff:192.0.2.7")
// becomes its IPv4 address. Anything else (a test's made-up address) is
// returned unchanged.
[[nodiscard]] std::string address_block(std::string_view address);

}  // namespace natter
