// bench/ws_frame_writer.hpp — the frames a WebSocket client sends (RFC 6455
// §5.2): every client frame is masked, whatever its opcode. The load
// generator writes its command text into the outbox first and turns it into
// a frame in place, so a chat line costs no allocation. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace natter::bench::ws {

inline constexpr std::uint8_t op_continuation = 0x0;
inline constexpr std::uint8_t op_text = 0x1;
inline constexpr std::uint8_t op_binary = 0x2;
inline constexpr std::uint8_t op_close = 0x8;
inline constexpr std::uint8_t op_ping = 0x9;
inline constexpr std::uint8_t op_pong = 0xA;

// Turns out[start, end) into one final (FIN) frame of `opcode`, masked with
// `mask_key`: the header goes in front of the payload, the payload is XORed
// in place.
void frame_tail(std::string& out, std::size_t start, std::uint8_t opcode, std::uint32_t mask_key);

// Appends `payload` as one final masked frame of `opcode`.
void append_frame(std::string& out, std::uint8_t opcode, std::string_view payload, std::uint32_t mask_key);

}  // namespace natter::bench::ws
