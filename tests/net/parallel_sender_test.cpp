// ParallelSender: one flush's sends split across threads, each socket still
// getting exactly its own bytes, each result the kernel's answer for it, in
// the order the sends were added, round after round.
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "src/net/parallel_sender.hpp"
#include "tests/net/socket_pair.hpp"

namespace natter::net {
namespace {

struct Setting {
    unsigned threads;
    bool io_uring;
};

}  // namespace

TEST_CASE("ParallelSender: every socket gets its own bytes, results in add order, round after round") {
    for (const auto setting : {Setting{1, false}, Setting{1, true}, Setting{2, false}, Setting{2, true},
                               Setting{4, false}, Setting{4, true}}) {
        CAPTURE(setting.threads);
        CAPTURE(setting.io_uring);
        ParallelSender sender{setting.threads, setting.io_uring};
        REQUIRE(sender.threads() == setting.threads);
        CHECK(sender.rings() == (setting.io_uring ? setting.threads : 0U));
        std::vector<SocketPair> pairs(101);  // not a multiple of any thread count
        std::vector<std::string> expected(pairs.size());
        for (int round = 0; round < 30; ++round) {
            std::vector<std::string> texts;
            for (std::size_t i = 0; i < pairs.size(); ++i) {
                texts.push_back("round " + std::to_string(round) + " to " + std::to_string(i) + "\r\n");
            }
            for (std::size_t i = 0; i < pairs.size(); ++i) sender.add(pairs[i].sender(), bytes_of(texts[i]));
            const auto results = sender.send_all();
            REQUIRE(results.size() == pairs.size());
            CHECK(sender.threads_used() == setting.threads);
            for (std::size_t i = 0; i < pairs.size(); ++i) {
                CHECK(results[i] == static_cast<int>(texts[i].size()));
                expected[i] += texts[i];
            }
        }
        for (std::size_t i = 0; i < pairs.size(); ++i) CHECK(pairs[i].received() == expected[i]);
        CHECK(sender.take_notes().empty());
    }
}

TEST_CASE("ParallelSender: a short list wakes only as many threads as it has sends for") {
    ParallelSender sender{4, false, 8};
    std::vector<SocketPair> pairs(20);
    const std::string text = "short\r\n";
    CHECK(sender.send_all().empty());
    CHECK(sender.threads_used() == 0);
    sender.add(pairs[0].sender(), bytes_of(text));
    REQUIRE(sender.send_all().size() == 1);
    CHECK(sender.threads_used() == 1);
    for (std::size_t i = 0; i < 17; ++i) sender.add(pairs[i].sender(), bytes_of(text));
    const auto results = sender.send_all();
    REQUIRE(results.size() == 17);
    CHECK(sender.threads_used() == 2);  // 17 sends: two shares of at least 8
    for (const int result : results) CHECK(result == static_cast<int>(text.size()));
    CHECK(pairs[0].received() == text + text);
    CHECK(pairs[16].received() == text);
    CHECK(pairs[17].received().empty());
}

TEST_CASE("ParallelSender: errors and full sockets are per socket, whichever thread sends them") {
    for (const bool io_uring : {false, true}) {
        CAPTURE(io_uring);
        ParallelSender sender{3, io_uring, 1};  // one send per thread
        SocketPair gone;
        SocketPair full;
        SocketPair fine;
        gone.close_receiver();
        const std::size_t filled = full.fill();
        REQUIRE(filled > 0);
        const int closed_fd = dup(fine.sender());
        REQUIRE(closed_fd >= 0);
        close(closed_fd);
        const std::string text = "hello\r\n";
        sender.add(gone.sender(), bytes_of(text));
        sender.add(full.sender(), bytes_of(text));
        sender.add(closed_fd, bytes_of(text));
        sender.add(fine.sender(), bytes_of(text));
        const auto results = sender.send_all();
        REQUIRE(results.size() == 4);
        CHECK(sender.threads_used() == 3);
        CHECK(results[0] == -EPIPE);  // and no SIGPIPE
        CHECK(results[1] == -EAGAIN);
        CHECK(results[2] == -EBADF);
        CHECK(results[3] == static_cast<int>(text.size()));
        CHECK(full.received().size() == filled);
        CHECK(fine.received() == text);
        CHECK(sender.rings() == (io_uring ? 3U : 0U));  // a bad socket is not a bad ring
    }
}

TEST_CASE("ParallelSender: a big send may be taken in part; the count says how much arrived") {
    ParallelSender sender{2, false, 1};
    SocketPair small;
    SocketPair big;
    const std::string line = "small\r\n";
    const std::string flood(8 * 1024 * 1024, 'b');  // more than a socket buffer holds
    sender.add(small.sender(), bytes_of(line));
    sender.add(big.sender(), bytes_of(flood));
    const auto results = sender.send_all();
    REQUIRE(results.size() == 2);
    CHECK(results[0] == static_cast<int>(line.size()));
    CHECK(results[1] > 0);
    CHECK(results[1] < static_cast<int>(flood.size()));
    CHECK(big.received().size() == static_cast<std::size_t>(results[1]));
    CHECK(small.received() == line);
}

}  // namespace natter::net
