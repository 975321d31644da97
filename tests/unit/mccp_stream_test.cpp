// MccpStream (MCCP2): the start marker, then a zlib stream in which every
// write can be inflated as soon as it arrives, ended by Z_FINISH, after
// which bytes are plain; and what one stream costs.
#include <doctest/doctest.h>

#include <string>

#include <zlib.h>

#include "src/mccp_stream.hpp"

namespace natter {
namespace {

// The client's side: inflates what arrives, piece by piece.
class Inflater {
public:
    Inflater() { REQUIRE(inflateInit(&z_) == Z_OK); }
    ~Inflater() { inflateEnd(&z_); }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;

    // Everything `compressed` holds, inflated; `ended` once the stream ends.
    std::string feed(std::string_view compressed) {
        std::string out;
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
        z_.avail_in = static_cast<uInt>(compressed.size());
        char buffer[4096];
        while (!ended) {
            z_.next_out = reinterpret_cast<Bytef*>(buffer);
            z_.avail_out = sizeof buffer;
            const int status = inflate(&z_, Z_SYNC_FLUSH);
            out.append(buffer, sizeof buffer - z_.avail_out);
            if (status == Z_STREAM_END) {
                ended = true;
                rest = std::string{reinterpret_cast<const char*>(z_.next_in), z_.avail_in};
            }
            if (status != Z_OK || (z_.avail_in == 0 && z_.avail_out > 0)) break;
        }
        return out;
    }

    bool ended = false;
    std::string rest;  // bytes after the end of the stream

private:
    z_stream z_{};
};

}  // namespace

TEST_CASE("MccpStream: start writes the marker, then each write inflates whole as it arrives") {
    MccpStream mccp;
    std::string out;
    REQUIRE(mccp.start(out));
    CHECK(mccp.active());
    REQUIRE(out == "\xFF\xFA\x56\xFF\xF0");
    Inflater client;
    for (int i = 0; i < 100; ++i) {
        const std::string line = "Alice: line number " + std::to_string(i) + "\r\n";
        std::string wire;
        mccp.compress(line, wire);
        CHECK_FALSE(wire.empty());
        CHECK(client.feed(wire) == line);  // nothing held back by the compressor
    }
    CHECK_FALSE(client.ended);
}

TEST_CASE("MccpStream: finish ends the stream, and later bytes are plain") {
    MccpStream mccp;
    std::string marker;
    REQUIRE(mccp.start(marker));
    std::string wire;
    mccp.compress("before\r\n", wire);
    mccp.finish(wire);
    CHECK_FALSE(mccp.active());
    Inflater client;
    CHECK(client.feed(wire) == "before\r\n");
    CHECK(client.ended);
    CHECK(client.rest.empty());
    std::string after;
    mccp.compress("plain\r\n", after);
    CHECK(after == "plain\r\n");
    // It can start again, with a new marker and a new stream.
    std::string again;
    REQUIRE(mccp.start(again));
    CHECK(again == "\xFF\xFA\x56\xFF\xF0");
    std::string more;
    mccp.compress("again\r\n", more);
    Inflater second;
    CHECK(second.feed(more) == "again\r\n");
}

TEST_CASE("MccpStream: a large write compresses and inflates whole") {
    MccpStream mccp;
    std::string marker;
    REQUIRE(mccp.start(marker));
    std::string big;
    for (int i = 0; i < 20000; ++i) big += "Bob: the same line again and again " + std::to_string(i % 7) + "\r\n";
    std::string wire;
    mccp.compress(big, wire);
    CHECK(wire.size() < big.size() / 4);
    Inflater client;
    CHECK(client.feed(wire) == big);
}

TEST_CASE("MccpStream: finish without start and compress before start pass bytes through") {
    MccpStream mccp;
    std::string out;
    mccp.finish(out);
    CHECK(out.empty());
    mccp.compress("hello", out);
    CHECK(out == "hello");
}

TEST_CASE("MccpStream: one stream costs at most 16 KiB") {
    MccpStream mccp;
    std::string out;
    REQUIRE(mccp.start(out));
    MESSAGE("heap per MCCP2 stream: " << MccpStream::bytes_per_stream() << " bytes");
    CHECK(MccpStream::bytes_per_stream() > 1024);
    CHECK(MccpStream::bytes_per_stream() <= 16 * 1024);
}

}  // namespace natter
