// bench/report.hpp — the one machine-readable summary line of a run:
// "RESULT key=value key=value ...", keys in insertion order, values free of
// spaces so `read`/awk/split() parse them. It knows nothing about scenarios.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace natter::bench {

class Report {
public:
    // Sets (or replaces) a key. Whitespace and '=' in values become '_' and
    // ':' so the line stays splittable.
    void set(std::string_view key, std::string_view value);
    void set(std::string_view key, std::int64_t value);
    void set(std::string_view key, std::uint64_t value);
    void set(std::string_view key, std::uint32_t value) { set(key, std::uint64_t{value}); }
    void set(std::string_view key, int value) { set(key, std::int64_t{value}); }
    // Doubles are printed with `decimals` digits after the point.
    void set(std::string_view key, double value, int decimals = 3);

    void print(std::ostream& out) const;

private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace natter::bench
