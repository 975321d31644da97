// The doctest runner of the integration suite (real TCP, real natterd).
// `--io-threads=N` gives every server it starts `[server] io_threads = N`
// unless a test sets its own; without it natterd's default applies.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <charconv>
#include <cstdio>
#include <string_view>

#include "tests/support/server_process.hpp"

int main(int argc, char** argv) {
    constexpr std::string_view option = "--io-threads=";
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (!arg.starts_with(option)) continue;
        unsigned threads = 0;
        const auto digits = arg.substr(option.size());
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), threads);
        if (error != std::errc{} || end != digits.data() + digits.size()) {
            std::fprintf(stderr, "%s: --io-threads wants a number, not \"%s\"\n", argv[0], argv[i]);
            return 2;
        }
        natter::test::set_default_io_threads(threads);
    }
    doctest::Context context{argc, argv};
    return context.run();
}
