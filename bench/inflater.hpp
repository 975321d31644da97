// bench/inflater.hpp — one MCCP2 stream from the server, inflated: a zlib
// stream with a 1 KiB window (the server deflates with no more), so tens of
// thousands of compressed connections stay cheap for the generator too.
// Bytes in, bytes out; it knows nothing of telnet or sockets.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace natter::bench {

class Inflater {
public:
    enum class Status { more, ended, error };
    struct Result {
        std::size_t consumed = 0;  // bytes of the input taken
        Status status = Status::more;
    };

    // Throws std::runtime_error when zlib cannot start (no memory).
    Inflater();
    ~Inflater();
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;

    // Appends what `in` inflates to onto `out`. `more`: all of `in` was
    // taken and the stream goes on; `ended`: the stream finished after
    // `consumed` bytes, and the rest of `in` is plain again; `error`: the
    // stream is corrupt (error() says how).
    Result inflate(std::string_view in, std::string& out);

    [[nodiscard]] const std::string& error() const noexcept { return error_; }

private:
    struct Stream;
    std::unique_ptr<Stream> stream_;
    std::string error_;
};

}  // namespace natter::bench
