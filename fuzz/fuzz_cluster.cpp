// Fuzz target for what one node reads of another over Redis: the cluster
// message codec (a JSON object per message) and the room line that wraps a
// say or an emote ("<seq> <epoch>\n<json>"). A peer node, or anyone who can
// publish on the Redis, may send any bytes; the decoders must turn them into
// an error value or a well-formed message, never a crash or an exception.
//
// Input: byte 0 bit 0 picks the decoder (0: a message, 1: a room line), the
// rest is the payload. Checks: whatever decodes encodes again to a message
// that decodes to the same fields; an encoded message is one line of UTF-8;
// a room line is a say or an emote with a sequence number from 1 and an
// epoch without a line break, and rebuilt from its parts decodes the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_checks.hpp"
#include "src/cluster_message.hpp"

namespace natter::fuzz {
namespace {

// Encodes `message` and checks that it comes back the same.
void check_round_trip(const ClusterMessage& message) {
    const auto encoded = encode(message);
    check(encoded.find('\n') == std::string::npos, "an encoded message spans lines");
    check(is_valid_utf8(encoded), "an encoded message is not UTF-8");
    const auto again = decode_cluster_message(encoded);
    check(again.has_value(), "an encoded message does not decode");
    check(*again == message, "a message changed on its way through encode and decode");
}

void run(std::string_view input) {
    if (input.empty()) return;
    const bool room_line = (static_cast<unsigned char>(input[0]) & 1U) != 0;
    const auto payload = input.substr(1);
    if (!room_line) {
        if (const auto message = decode_cluster_message(payload)) {
            check(!message->node.empty(), "a message without a node decoded");
            check_round_trip(*message);
        }
        return;
    }
    const auto line = decode_room_line(payload);
    if (!line) return;
    check(line->seq >= 1, "a room line numbered 0 decoded");
    check(line->epoch.find('\n') == std::string::npos, "an epoch spans lines");
    check(line->message.kind == ClusterMessage::Kind::say || line->message.kind == ClusterMessage::Kind::emote,
          "a room line that is neither a say nor an emote decoded");
    check_round_trip(line->message);
    const auto rebuilt =
        decode_room_line(std::to_string(line->seq) + " " + line->epoch + "\n" + encode(line->message));
    check(rebuilt.has_value(), "a room line rebuilt from its parts does not decode");
    check(rebuilt->seq == line->seq && rebuilt->epoch == line->epoch && rebuilt->message == line->message,
          "a room line changed when rebuilt from its parts");
}

}  // namespace
}  // namespace natter::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    natter::fuzz::run({reinterpret_cast<const char*>(data), size});
    return 0;
}
