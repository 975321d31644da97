// Error values for failures that come from outside the program: arguments,
// configuration files, the operating system. A user's mistake is not an Error
// (it gets a reply), and a broken invariant is an assertion.
#pragma once

#include <string>

#include <tl/expected.hpp>

namespace natter {

struct Error {
    std::string message;  // one line, ready to show an operator
};

template <class T>
using Result = tl::expected<T, Error>;

[[nodiscard]] inline tl::unexpected<Error> fail(std::string message) {
    return tl::unexpected<Error>{Error{std::move(message)}};
}

}  // namespace natter
