// BatchSender: many sockets' output in one io_uring submission, each result
// the kernel's own answer for that socket, and never a wait for a peer.
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "src/net/batch_sender.hpp"
#include "tests/net/socket_pair.hpp"

namespace natter::net {
namespace {

std::unique_ptr<BatchSender> make_sender(unsigned entries = 512) {
    auto sender = BatchSender::create(entries);
    // natterd falls back to plain writes without io_uring; these tests are
    // about the ring itself, so here it must exist.
    REQUIRE_MESSAGE(sender.has_value(), (sender ? "" : sender.error().message));
    return std::move(*sender);
}

}  // namespace

TEST_CASE("BatchSender: one submission delivers each socket its own bytes, results in add order") {
    auto sender = make_sender();
    std::vector<SocketPair> pairs(50);
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < pairs.size(); ++i) texts.push_back("line " + std::to_string(i) + "\r\n");
    for (std::size_t i = 0; i < pairs.size(); ++i) sender->add(pairs[i].sender(), bytes_of(texts[i]));
    const auto results = sender->send_all();
    REQUIRE(results.size() == pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        CHECK(results[i] == static_cast<int>(texts[i].size()));
        CHECK(pairs[i].received() == texts[i]);
    }
    CHECK(sender->broken().empty());
}

TEST_CASE("BatchSender: more sends than ring entries go in several submissions") {
    auto sender = make_sender(8);
    std::vector<SocketPair> pairs(30);
    const std::string text = "more than the ring holds\r\n";
    for (auto& pair : pairs) sender->add(pair.sender(), bytes_of(text));
    const auto results = sender->send_all();
    REQUIRE(results.size() == pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        CHECK(results[i] == static_cast<int>(text.size()));
        CHECK(pairs[i].received() == text);
    }
}

TEST_CASE("BatchSender: a full socket answers at once (EAGAIN or a short count); the others still get theirs") {
    auto sender = make_sender();
    SocketPair full;
    SocketPair partial;
    SocketPair fine;
    const std::size_t filled = full.fill();
    REQUIRE(filled > 0);
    const std::string small = "after the flood\r\n";
    const std::string big(8 * 1024 * 1024, 'b');  // more than a socket buffer holds
    sender->add(full.sender(), bytes_of(small));
    sender->add(partial.sender(), bytes_of(big));
    sender->add(fine.sender(), bytes_of(small));
    const auto results = sender->send_all();
    REQUIRE(results.size() == 3);
    CHECK(results[0] == -EAGAIN);
    CHECK(results[1] > 0);
    CHECK(results[1] < static_cast<int>(big.size()));
    CHECK(results[2] == static_cast<int>(small.size()));
    CHECK(full.received().size() == filled);  // nothing of `small` slipped in
    CHECK(partial.received().size() == static_cast<std::size_t>(results[1]));
    CHECK(fine.received() == small);
}

TEST_CASE("BatchSender: errors are per socket and raise no SIGPIPE") {
    auto sender = make_sender();
    SocketPair gone;
    SocketPair fine;
    gone.close_receiver();
    const int closed_fd = dup(fine.sender());
    REQUIRE(closed_fd >= 0);
    close(closed_fd);
    const std::string text = "hello\r\n";
    sender->add(gone.sender(), bytes_of(text));
    sender->add(closed_fd, bytes_of(text));
    sender->add(fine.sender(), bytes_of(text));
    const auto results = sender->send_all();
    REQUIRE(results.size() == 3);
    CHECK(results[0] == -EPIPE);
    CHECK(results[1] == -EBADF);
    CHECK(results[2] == static_cast<int>(text.size()));
    CHECK(fine.received() == text);
    CHECK(sender->broken().empty());  // a bad socket is not a bad ring
}

TEST_CASE("BatchSender: a sender is reused round after round; an empty round sends nothing") {
    auto sender = make_sender();
    SocketPair pair;
    CHECK(sender->send_all().empty());
    std::string expected;
    for (int round = 0; round < 100; ++round) {
        const std::string text = "round " + std::to_string(round) + "\r\n";
        sender->add(pair.sender(), bytes_of(text));
        const auto results = sender->send_all();
        REQUIRE(results.size() == 1);
        CHECK(results[0] == static_cast<int>(text.size()));
        expected += text;
    }
    CHECK(pair.received() == expected);
}

}  // namespace natter::net
