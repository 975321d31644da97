// Lets doctest print the line lists the unit tests compare, so a failing
// CHECK shows the lines instead of {?}. Test-only.
#pragma once

#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace doctest {

template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& lines) {
        std::string out{"{"};
        for (const auto& line : lines) {
            out += out.size() == 1 ? "\"" : ", \"";
            out += line;
            out += "\"";
        }
        out += "}";
        return String{out.c_str()};
    }
};

}  // namespace doctest
