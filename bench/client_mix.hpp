// bench/client_mix.hpp — which kind of client each load-generator
// connection plays (--clients-as): a plain telnet/nc client, one that turns
// on 256 colours with `client colour 256`, a GMCP client, or a GMCP client
// that also takes MCCP2 compression. Pure: names and the id-to-kind rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace natter::bench {

enum class ClientKind : std::uint8_t { plain, colour, gmcp, mccp };

// plain: every client plain. mixed: half plain, a quarter colour, a quarter
// GMCP, interleaved by id (plain, colour, plain, GMCP, ...) so every
// variant is present from the fourth login on. gmcp: all GMCP. mccp: all
// GMCP + MCCP2.
enum class ClientMix : std::uint8_t { plain, mixed, gmcp, mccp };

[[nodiscard]] ClientKind kind_of(ClientMix mix, std::uint32_t id) noexcept;

// The mix named on the command line; nullopt for a name not listed above.
[[nodiscard]] std::optional<ClientMix> parse_client_mix(std::string_view name) noexcept;
[[nodiscard]] std::string_view name_of(ClientMix mix) noexcept;

}  // namespace natter::bench
