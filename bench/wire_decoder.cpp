// bench/wire_decoder.cpp — telnet and MCCP2 layers of a connection.
#include "bench/wire_decoder.hpp"

#include <cstring>

namespace natter::bench {

bool WireDecoder::passes_through(std::string_view raw) const noexcept {
    return inflater_ == nullptr && filter_.in_text() &&
           std::memchr(raw.data(), telnet::iac, raw.size()) == nullptr;
}

bool WireDecoder::decode(std::string_view raw, std::string& text, std::string& scratch, WireCounts& counts) {
    while (!raw.empty()) {
        if (!inflater_) {
            const TelnetFilter::Fed fed = filter_.feed(raw, text, counts.telnet);
            raw.remove_prefix(fed.consumed);
            if (fed.compression_starts) {
                inflater_ = std::make_unique<Inflater>();
                ++counts.mccp_started;
            }
            continue;
        }
        scratch.clear();
        const Inflater::Result result = inflater_->inflate(raw, scratch);
        counts.compressed_bytes += result.consumed;
        counts.inflated_bytes += scratch.size();
        raw.remove_prefix(result.consumed);
        // The inflated bytes are a telnet stream of their own; a start
        // marker inside them would mean a stream begun inside a stream.
        std::string_view inflated{scratch};
        while (!inflated.empty()) {
            const TelnetFilter::Fed fed = filter_.feed(inflated, text, counts.telnet);
            inflated.remove_prefix(fed.consumed);
            if (fed.compression_starts) {
                error_ = "MCCP2 start marker inside a compressed stream";
                return false;
            }
        }
        if (result.status == Inflater::Status::error) {
            error_ = "MCCP2 stream corrupt: " + inflater_->error();
            return false;
        }
        if (result.status == Inflater::Status::ended) {
            // Z_FINISH from the server: what follows is plain again.
            inflater_.reset();
            ++counts.mccp_ended;
        }
    }
    return true;
}

}  // namespace natter::bench
