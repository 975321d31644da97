// bench/node_list.cpp — parsing the comma lists of --ports and --server-pid.
#include "bench/node_list.hpp"

#include <charconv>

namespace natter::bench {
namespace {

// Splits on ',' and converts each item with `convert`; any bad item fails
// the whole list, so a typo is never silently a shorter cluster.
template <typename T, typename Convert>
std::optional<std::vector<T>> parse_list(std::string_view text, Convert convert) {
    std::vector<T> out;
    if (text.empty()) {
        return std::nullopt;
    }
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string_view item =
            text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        const std::optional<T> value = convert(item);
        if (!value) {
            return std::nullopt;
        }
        out.push_back(*value);
        if (comma == std::string_view::npos) {
            return out;
        }
        start = comma + 1;
    }
}

std::optional<long long> parse_number(std::string_view item) {
    long long value = 0;
    const char* end = item.data() + item.size();
    const auto [ptr, ec] = std::from_chars(item.data(), end, value);
    if (item.empty() || ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::optional<std::vector<std::uint16_t>> parse_port_list(std::string_view text) {
    return parse_list<std::uint16_t>(text, [](std::string_view item) -> std::optional<std::uint16_t> {
        const auto value = parse_number(item);
        if (!value || *value < 1 || *value > 65535) {
            return std::nullopt;
        }
        return static_cast<std::uint16_t>(*value);
    });
}

std::optional<std::vector<int>> parse_pid_list(std::string_view text) {
    return parse_list<int>(text, [](std::string_view item) -> std::optional<int> {
        const auto value = parse_number(item);
        if (!value || *value < 1 || *value > 0x7fffffff) {
            return std::nullopt;
        }
        return static_cast<int>(*value);
    });
}

}  // namespace natter::bench
