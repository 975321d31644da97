// MCCP2 (telnet option 86) for one connection's output: natter's own zlib
// stream, not libtelnet's (which cannot end one, and answers a DONT inside
// it). Bytes in, bytes out, no I/O. A small window keeps a compressed
// connection's cost near 10 KiB (zlib's defaults cost 260 KiB), which a
// chat's short lines hardly notice.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace natter {

class MccpStream {
public:
    MccpStream();
    ~MccpStream();
    MccpStream(const MccpStream&) = delete;
    MccpStream& operator=(const MccpStream&) = delete;

    // Appends the start marker (IAC SB MCCP2 IAC SE) to `out`; what
    // compress() is given from now on is deflated. False if zlib could not
    // start (no memory): the connection stays plain.
    [[nodiscard]] bool start(std::string& out);
    [[nodiscard]] bool active() const { return stream_ != nullptr; }

    // Deflates `plain` onto `out`, flushed (Z_SYNC_FLUSH) so the client can
    // show everything at once: one flush per write, a few bytes each.
    void compress(std::string_view plain, std::string& out);

    // Ends the stream (Z_FINISH) onto `out` and frees it; bytes after this
    // are plain again, and must go in a later write than these.
    void finish(std::string& out);

    // The heap one active stream holds (zlib's state, measured when the
    // first stream started), for the memory figures.
    [[nodiscard]] static std::size_t bytes_per_stream();

private:
    struct Stream;
    void deflate_into(std::string_view plain, int flush, std::string& out);

    std::unique_ptr<Stream> stream_;
};

}  // namespace natter
