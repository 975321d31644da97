// Start-up with a bad config (SPEC §5): one stderr line naming file, line
// and key, exit status 2; --check-config validates without serving.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/child_process.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace natter::test;

namespace {

bool contains(std::string_view text, std::string_view needle) {
    return text.find(needle) != std::string_view::npos;
}

}  // namespace

TEST_CASE("Config: an unknown key stops natterd with file, line and key, status 2") {
    TempDir dir;
    // Line 4 holds the unknown key.
    const auto file = dir.write_file("natter.toml",
                                     "[server]\n"
                                     "name = \"TestChat\"\n"
                                     "host = \"127.0.0.1\"\n"
                                     "colour = \"red\"\n"
                                     "port = 0\n");
    for (const char* mode : {"--config", "--check-config"}) {
        CAPTURE(mode);
        const RunResult run = run_process({natterd_path(), mode, file.string()});
        CAPTURE(run.err);
        CAPTURE(run.out);
        CHECK(run.status == 2);
        CHECK(contains(run.err, file.string() + ":4"));
        CHECK(contains(run.err, "colour"));
        // Exactly one line.
        CHECK(run.err.find('\n') == run.err.size() - 1);
    }
}

TEST_CASE("Config: a value of the wrong type is reported with its key, status 2") {
    TempDir dir;
    const auto file = dir.write_file("natter.toml",
                                     "[server]\n"
                                     "name = \"TestChat\"\n"
                                     "\n"
                                     "[limits]\n"
                                     "line_max_bytes = \"long\"\n");
    const RunResult run = run_process({natterd_path(), "--check-config", file.string()});
    CAPTURE(run.err);
    CHECK(run.status == 2);
    CHECK(contains(run.err, file.string() + ":5"));
    CHECK(contains(run.err, "line_max_bytes"));
}

TEST_CASE("Config: a TOML syntax error is reported with its line, status 2") {
    TempDir dir;
    const auto file = dir.write_file("natter.toml",
                                     "[server]\n"
                                     "name = \"TestChat\n"  // unterminated string
                                     "port = 0\n");
    const RunResult run = run_process({natterd_path(), "--config", file.string()});
    CAPTURE(run.err);
    CHECK(run.status == 2);
    CHECK(contains(run.err, file.string() + ":2"));
}

TEST_CASE("Config: --check-config accepts the test config and exits 0") {
    TempDir dir;
    const auto file = dir.write_file("natter.toml", test_config(ServerOptions{}, dir.path()));
    const RunResult run = run_process({natterd_path(), "--check-config", file.string()});
    CAPTURE(run.err);
    CAPTURE(run.out);
    CHECK(run.status == 0);
}
