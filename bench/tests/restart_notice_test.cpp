// bench/tests/restart_notice_test.cpp — natterd's restart notices told
// apart from every other line, in UTF-8 and in 7-bit text.
#include "bench/restart_notice.hpp"

#include <doctest/doctest.h>

namespace natter::bench {

TEST_CASE("classify_restart_notice: the three notices") {
    CHECK(classify_restart_notice("*** The server is restarting\u2026") == RestartNotice::restarting);
    CHECK(classify_restart_notice("*** The server is restarting...") == RestartNotice::restarting);
    CHECK(classify_restart_notice("*** Restart complete.") == RestartNotice::complete);
    CHECK(classify_restart_notice("*** The restart did not happen; carrying on.") == RestartNotice::abandoned);
}

TEST_CASE("classify_restart_notice: other lines are none") {
    CHECK(classify_restart_notice("") == RestartNotice::none);
    CHECK(classify_restart_notice("*** Restart: new binary") == RestartNotice::none);
    CHECK(classify_restart_notice("*** Restart complete. ") == RestartNotice::none);
    CHECK(classify_restart_notice("alice says: *** Restart complete.") == RestartNotice::none);
    CHECK(classify_restart_notice("b 1 2 3") == RestartNotice::none);
    CHECK(classify_restart_notice("*** Encrypted connections cannot be kept across a restart") == RestartNotice::none);
}

}  // namespace natter::bench
