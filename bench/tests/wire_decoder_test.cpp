// bench/tests/wire_decoder_test.cpp — WireDecoder: telnet and MCCP2 out of
// a connection's bytes, with the compressed stream split at every byte,
// ended by the server, corrupt, or deflated with too big a window.
#include "bench/wire_decoder.hpp"

#include <doctest/doctest.h>

#include <zlib.h>

#include <string>
#include <string_view>

namespace natter::bench {
namespace {

using namespace std::string_literals;

const std::string marker = "\xFF\xFA\x56\xFF\xF0"s;

// A deflater as a server's: `window_bits` 10 is natter's.
class Deflater {
public:
    explicit Deflater(int window_bits = 10) {
        REQUIRE(deflateInit2(&z_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 2, Z_DEFAULT_STRATEGY) == Z_OK);
    }
    ~Deflater() { deflateEnd(&z_); }
    Deflater(const Deflater&) = delete;
    Deflater& operator=(const Deflater&) = delete;

    // `plain` deflated and flushed (Z_SYNC_FLUSH), or the stream ended (Z_FINISH).
    std::string deflate(std::string_view plain, int flush = Z_SYNC_FLUSH) {
        std::string out(deflateBound(&z_, static_cast<uLong>(plain.size())) + 64, '\0');
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
        z_.avail_in = static_cast<uInt>(plain.size());
        z_.next_out = reinterpret_cast<Bytef*>(out.data());
        z_.avail_out = static_cast<uInt>(out.size());
        const int status = ::deflate(&z_, flush);
        REQUIRE((status == Z_OK || status == Z_STREAM_END));
        REQUIRE(z_.avail_in == 0);
        out.resize(out.size() - z_.avail_out);
        return out;
    }

private:
    z_stream z_{};
};

// What natter sends a GMCP + MCCP2 client: the welcome plain, then the
// marker, compressed lines with GMCP and a prompt mark, the stream's end,
// and plain text after it.
struct Stream {
    std::string wire;
    std::string text;
};

Stream compressed_session() {
    Deflater deflater;
    Stream s;
    s.wire = "Welcome to BenchChat\r\n"s + "\xFF\xFB\xC9\xFF\xFB\x56"s + marker;
    s.text = "Welcome to BenchChat\r\n";
    const std::string first = "u1: b 1 0 5\r\n\xFF\xFA\xC9" R"(Comm.Channel.Text {"text":"b 1 0 5"})" "\xFF\xF0"s;
    s.wire += deflater.deflate(first);
    s.text += "u1: b 1 0 5\r\n";
    const std::string second = "Name: \xFF\xF9u2: b 2 3 6\r\n"s;
    s.wire += deflater.deflate(second);
    s.text += "Name: \nu2: b 2 3 6\r\n";
    s.wire += deflater.deflate("Goodbye.\r\n", Z_FINISH);
    s.text += "Goodbye.\r\n";
    s.wire += "after the stream\r\n";
    s.text += "after the stream\r\n";
    return s;
}

}  // namespace

TEST_CASE("WireDecoder: plain text passes through without a copy") {
    WireDecoder decoder;
    CHECK(decoder.passes_through("u1: b 1 2 3\r\n"));
    CHECK_FALSE(decoder.passes_through("\xFF\xF1"s));
}

TEST_CASE("WireDecoder: a compressed stream that ends, whole and split in two at every byte") {
    const Stream s = compressed_session();
    for (std::size_t cut = 0; cut <= s.wire.size(); ++cut) {
        CAPTURE(cut);
        WireDecoder decoder;
        WireCounts counts;
        std::string text;
        std::string scratch;
        REQUIRE(decoder.decode(std::string_view{s.wire}.substr(0, cut), text, scratch, counts));
        REQUIRE(decoder.decode(std::string_view{s.wire}.substr(cut), text, scratch, counts));
        CHECK(text == s.text);
        CHECK(counts.mccp_started == 1);
        CHECK(counts.mccp_ended == 1);
        CHECK(counts.telnet.gmcp_messages == 1);
        CHECK_FALSE(decoder.compressed());
    }
}

TEST_CASE("WireDecoder: a compressed stream fed one byte at a time") {
    const Stream s = compressed_session();
    WireDecoder decoder;
    WireCounts counts;
    std::string text;
    std::string scratch;
    bool was_compressed = false;
    for (const char byte : s.wire) {
        REQUIRE(decoder.decode(std::string_view{&byte, 1}, text, scratch, counts));
        was_compressed = was_compressed || decoder.compressed();
    }
    CHECK(was_compressed);
    CHECK(text == s.text);
    CHECK(counts.inflated_bytes > 0);
    CHECK(counts.compressed_bytes > 0);
}

TEST_CASE("WireDecoder: a read that inflates to many times its size") {
    Deflater deflater;
    std::string plain;
    for (int i = 0; i < 20000; ++i) plain += "u" + std::to_string(i % 100) + ": b " + std::to_string(i % 100) + " " + std::to_string(i) + " 1234567890\r\n";
    const std::string wire = marker + deflater.deflate(plain);
    WireDecoder decoder;
    WireCounts counts;
    std::string text;
    std::string scratch;
    REQUIRE(decoder.decode(wire, text, scratch, counts));
    CHECK(text == plain);
    CHECK(decoder.compressed());
    CHECK(counts.inflated_bytes == plain.size());
}

TEST_CASE("WireDecoder: a compressed stream that is not zlib is an error, not text") {
    const std::string wire = "ok\r\n" + marker + "not zlib at all\r\n";
    WireDecoder decoder;
    WireCounts counts;
    std::string text;
    std::string scratch;
    CHECK_FALSE(decoder.decode(wire, text, scratch, counts));
    CHECK(decoder.error().starts_with("MCCP2 stream corrupt"));
    CHECK(text == "ok\r\n");
}

TEST_CASE("WireDecoder: a server window above 1 KiB is refused with a clear error") {
    Deflater deflater{15};
    const std::string wire = marker + deflater.deflate("u1: b 1 0 5\r\n");
    WireDecoder decoder;
    WireCounts counts;
    std::string text;
    std::string scratch;
    CHECK_FALSE(decoder.decode(wire, text, scratch, counts));
    CHECK(decoder.error().find("window") != std::string::npos);
}

TEST_CASE("WireDecoder: a start marker inside a compressed stream is an error") {
    Deflater deflater;
    const std::string wire = marker + deflater.deflate("x" + marker);
    WireDecoder decoder;
    WireCounts counts;
    std::string text;
    std::string scratch;
    CHECK_FALSE(decoder.decode(wire, text, scratch, counts));
    CHECK(decoder.error().find("inside") != std::string::npos);
}

}  // namespace natter::bench
