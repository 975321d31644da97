#include "src/mccp_stream.hpp"

#include <atomic>
#include <cstdlib>

#include <zlib.h>

namespace natter {
namespace {

// A 1 KiB window (zlib's smallest that works with every inflater) and a
// small hash: about 11 KiB a stream, against 260 KiB for zlib's defaults.
constexpr int window_bits = 10;
constexpr int mem_level = 2;

std::atomic<std::size_t> measured_bytes{0};

constexpr char start_marker[] = {'\xFF', '\xFA', '\x56', '\xFF', '\xF0'};

}  // namespace

struct MccpStream::Stream {
    z_stream z{};
    std::size_t allocated = 0;

    // zlib's allocations go through here, so the stream's cost is known.
    static voidpf allocate(voidpf self, uInt items, uInt size) {
        const std::size_t bytes = static_cast<std::size_t>(items) * size;
        auto* block = static_cast<std::size_t*>(std::malloc(bytes + sizeof(std::size_t)));
        if (block == nullptr) return Z_NULL;
        *block = bytes;
        static_cast<Stream*>(self)->allocated += bytes;
        return block + 1;
    }
    static void release(voidpf self, voidpf address) {
        auto* block = static_cast<std::size_t*>(address) - 1;
        static_cast<Stream*>(self)->allocated -= *block;
        std::free(block);
    }
};

MccpStream::MccpStream() = default;

MccpStream::~MccpStream() {
    if (stream_) deflateEnd(&stream_->z);
}

bool MccpStream::start(std::string& out) {
    if (stream_) return true;
    auto stream = std::make_unique<Stream>();
    stream->z.zalloc = &Stream::allocate;
    stream->z.zfree = &Stream::release;
    stream->z.opaque = stream.get();
    if (deflateInit2(&stream->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, mem_level, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        return false;
    }
    // zlib allocates all it needs here, so this is the stream's whole cost.
    measured_bytes.store(stream->allocated + sizeof(Stream), std::memory_order_relaxed);
    stream_ = std::move(stream);
    out.append(start_marker, sizeof start_marker);
    return true;
}

void MccpStream::compress(std::string_view plain, std::string& out) {
    if (!stream_) {
        out.append(plain);
        return;
    }
    deflate_into(plain, Z_SYNC_FLUSH, out);
}

void MccpStream::finish(std::string& out) {
    if (!stream_) return;
    deflate_into({}, Z_FINISH, out);
    deflateEnd(&stream_->z);
    stream_.reset();
}

void MccpStream::deflate_into(std::string_view plain, int flush, std::string& out) {
    auto& z = stream_->z;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
    z.avail_in = static_cast<uInt>(plain.size());
    // Deflate straight into `out`, growing it as zlib asks for room. A
    // bound on rounds guards against a zlib that never says it is done.
    for (int round = 0; round < 64; ++round) {
        const std::size_t before = out.size();
        const std::size_t room = deflateBound(&z, z.avail_in) + 64;
        out.resize(before + room);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + before);
        z.avail_out = static_cast<uInt>(room);
        const int status = deflate(&z, flush);
        out.resize(before + room - z.avail_out);
        // Z_BUF_ERROR: nothing more could be done (not an error here).
        if (status != Z_OK) break;
        // Room left over means zlib wrote all it had: the input is taken
        // and the flush is out.
        if (z.avail_out > 0 && z.avail_in == 0 && flush != Z_FINISH) break;
    }
}

std::size_t MccpStream::bytes_per_stream() { return measured_bytes.load(std::memory_order_relaxed); }

}  // namespace natter
