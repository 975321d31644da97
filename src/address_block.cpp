#include "src/address_block.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstring>

namespace natter {

std::string address_block(std::string_view address) {
    const std::string text{address};
    in6_addr v6{};
    if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;
    std::array<char, INET6_ADDRSTRLEN> out{};
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
        in_addr v4{};
        std::memcpy(&v4, &v6.s6_addr[12], sizeof v4);
        inet_ntop(AF_INET, &v4, out.data(), out.size());
        return out.data();
    }
    std::memset(&v6.s6_addr[8], 0, 8);
    inet_ntop(AF_INET6, &v6, out.data(), out.size());
    return std::string{out.data()} + "/64";
}

}  // namespace natter
