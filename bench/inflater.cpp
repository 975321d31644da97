// bench/inflater.cpp — zlib inflate for MCCP2.
#include "bench/inflater.hpp"

#include <algorithm>
#include <stdexcept>

#include <zlib.h>

namespace natter::bench {
namespace {

// The server's deflate window (natter's MccpStream uses 2^10); a bigger one
// from a server would be refused by inflate as an invalid window size.
constexpr int window_bits = 10;
// Output room per round: chat compresses a few times over, so this is a
// few rounds for a full read at most.
constexpr std::size_t min_room = 16 * 1024;
constexpr int max_rounds = 4096;

}  // namespace

struct Inflater::Stream {
    z_stream z{};
};

Inflater::Inflater() : stream_{std::make_unique<Stream>()} {
    if (inflateInit2(&stream_->z, window_bits) != Z_OK) {
        throw std::runtime_error{"inflateInit2 failed"};
    }
}

Inflater::~Inflater() { inflateEnd(&stream_->z); }

Inflater::Result Inflater::inflate(std::string_view in, std::string& out) {
    z_stream& z = stream_->z;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    // Bounded, in case a zlib never says it is done with the input.
    for (int round = 0; round < max_rounds; ++round) {
        const std::size_t before = out.size();
        const std::size_t room = std::max(min_room, 4 * static_cast<std::size_t>(z.avail_in));
        out.resize(before + room);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + before);
        z.avail_out = static_cast<uInt>(room);
        const int status = ::inflate(&z, Z_SYNC_FLUSH);
        out.resize(before + room - z.avail_out);
        const std::size_t consumed = in.size() - z.avail_in;
        if (status == Z_STREAM_END) {
            return Result{consumed, Status::ended};
        }
        if (status == Z_OK || status == Z_BUF_ERROR) {
            if (z.avail_in == 0 && z.avail_out > 0) {
                // Everything given was taken and all it holds is out.
                return Result{consumed, Status::more};
            }
            if (status == Z_OK) continue;  // out of room: another round
        }
        error_ = z.msg != nullptr ? z.msg : "inflate made no progress";
        return Result{consumed, Status::error};
    }
    error_ = "inflate did not finish a read";
    return Result{in.size() - z.avail_in, Status::error};
}

}  // namespace natter::bench
