// bench/report.cpp — formatting of the RESULT line.
#include "bench/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace natter::bench {

void Report::set(std::string_view key, std::string_view value) {
    std::string clean{value};
    for (char& ch : clean) {
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
            ch = '_';
        } else if (ch == '=') {
            ch = ':';
        }
    }
    if (clean.empty()) {
        clean.push_back('-');  // (not `= "-"`: g++ 12 -Wrestrict false positive)
    }
    const auto it = std::find_if(fields_.begin(), fields_.end(),
                                 [&](const auto& field) { return field.first == key; });
    if (it != fields_.end()) {
        it->second = std::move(clean);
    } else {
        fields_.emplace_back(std::string{key}, std::move(clean));
    }
}

void Report::set(std::string_view key, std::int64_t value) { set(key, std::to_string(value)); }

void Report::set(std::string_view key, std::uint64_t value) { set(key, std::to_string(value)); }

void Report::set(std::string_view key, double value, int decimals) {
    if (!std::isfinite(value)) {
        set(key, std::string_view{"-"});
        return;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    set(key, std::string_view{buf});
}

void Report::print(std::ostream& out) const {
    out << "RESULT";
    for (const auto& [key, value] : fields_) {
        out << ' ' << key << '=' << value;
    }
    out << '\n';
}

}  // namespace natter::bench
