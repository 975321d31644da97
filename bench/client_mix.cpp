// bench/client_mix.cpp — the kinds of client in each mix.
#include "bench/client_mix.hpp"

namespace natter::bench {

ClientKind kind_of(ClientMix mix, std::uint32_t id) noexcept {
    switch (mix) {
    case ClientMix::plain:
        return ClientKind::plain;
    case ClientMix::mixed:
        switch (id % 4) {
        case 1:
            return ClientKind::colour;
        case 3:
            return ClientKind::gmcp;
        default:
            return ClientKind::plain;
        }
    case ClientMix::gmcp:
        return ClientKind::gmcp;
    case ClientMix::mccp:
        return ClientKind::mccp;
    }
    return ClientKind::plain;
}

std::optional<ClientMix> parse_client_mix(std::string_view name) noexcept {
    if (name == "plain") return ClientMix::plain;
    if (name == "mixed") return ClientMix::mixed;
    if (name == "gmcp") return ClientMix::gmcp;
    if (name == "mccp") return ClientMix::mccp;
    return std::nullopt;
}

std::string_view name_of(ClientMix mix) noexcept {
    switch (mix) {
    case ClientMix::plain:
        return "plain";
    case ClientMix::mixed:
        return "mixed";
    case ClientMix::gmcp:
        return "gmcp";
    case ClientMix::mccp:
        return "mccp";
    }
    return "plain";
}

}  // namespace natter::bench
