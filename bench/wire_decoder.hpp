// bench/wire_decoder.hpp — what one connection's server bytes say, as
// text: telnet taken out (TelnetFilter) and, from the MCCP2 start marker to
// the end of the compressed stream, inflated first (Inflater). Bytes split
// anywhere, by reads or by the stream's end. No I/O.
#pragma once

#include "bench/inflater.hpp"
#include "bench/telnet_filter.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace natter::bench {

// Counts over every connection (TelnetCounts plus compression).
struct WireCounts {
    TelnetCounts telnet;
    std::uint64_t mccp_started = 0;    // compressed streams begun
    std::uint64_t mccp_ended = 0;      // ... and finished by the server
    std::uint64_t compressed_bytes = 0;  // read while compressed
    std::uint64_t inflated_bytes = 0;    // what they inflated to
};

class WireDecoder {
public:
    // True when `raw` is all text as it is: not compressed, not inside a
    // telnet sequence, and without an IAC byte. The common case for a plain
    // client, which then needs no copy.
    [[nodiscard]] bool passes_through(std::string_view raw) const noexcept;

    // Appends the text of `raw` to `text` (`scratch` holds inflated bytes
    // for a moment; share it between connections). False when the
    // compressed stream is corrupt; error() says how.
    [[nodiscard]] bool decode(std::string_view raw, std::string& text, std::string& scratch, WireCounts& counts);

    [[nodiscard]] bool compressed() const noexcept { return inflater_ != nullptr; }
    [[nodiscard]] const std::string& error() const noexcept { return error_; }

private:
    TelnetFilter filter_;
    std::unique_ptr<Inflater> inflater_;  // only while a stream is on
    std::string error_;
};

}  // namespace natter::bench
