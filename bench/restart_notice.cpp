// bench/restart_notice.cpp — the texts natterd sends around a hot restart.
#include "bench/restart_notice.hpp"

namespace natter::bench {

RestartNotice classify_restart_notice(std::string_view line) noexcept {
    if (!line.starts_with("*** ")) {
        return RestartNotice::none;
    }
    if (line.starts_with("*** The server is restarting")) {
        return RestartNotice::restarting;
    }
    if (line == "*** Restart complete.") {
        return RestartNotice::complete;
    }
    if (line.starts_with("*** The restart did not happen")) {
        return RestartNotice::abandoned;
    }
    return RestartNotice::none;
}

}  // namespace natter::bench
