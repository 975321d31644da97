// bench/ws_frame_writer.cpp — masked client frames.
#include "bench/ws_frame_writer.hpp"

#include <array>

namespace natter::bench::ws {

void frame_tail(std::string& out, std::size_t start, std::uint8_t opcode, std::uint32_t mask_key) {
    const std::size_t size = out.size() - start;
    std::array<char, 14> header{};
    std::size_t n = 0;
    header[n++] = static_cast<char>(0x80U | (opcode & 0x0FU));
    if (size < 126) {
        header[n++] = static_cast<char>(0x80U | size);
    } else if (size <= 0xFFFF) {
        header[n++] = static_cast<char>(0x80U | 126U);
        header[n++] = static_cast<char>((size >> 8) & 0xFFU);
        header[n++] = static_cast<char>(size & 0xFFU);
    } else {
        header[n++] = static_cast<char>(0x80U | 127U);
        for (int shift = 56; shift >= 0; shift -= 8) {
            header[n++] = static_cast<char>((static_cast<std::uint64_t>(size) >> shift) & 0xFFU);
        }
    }
    std::array<unsigned char, 4> mask{};
    for (std::size_t i = 0; i < 4; ++i) {
        mask[i] = static_cast<unsigned char>((mask_key >> (24 - 8 * i)) & 0xFFU);
        header[n++] = static_cast<char>(mask[i]);
    }
    for (std::size_t i = 0; i < size; ++i) {
        out[start + i] = static_cast<char>(static_cast<unsigned char>(out[start + i]) ^ mask[i % 4]);
    }
    out.insert(start, header.data(), n);
}

void append_frame(std::string& out, std::uint8_t opcode, std::string_view payload, std::uint32_t mask_key) {
    const std::size_t start = out.size();
    out.append(payload);
    frame_tail(out, start, opcode, mask_key);
}

}  // namespace natter::bench::ws
