// Which natter this is: the release version (CMake's project version) and,
// for a build from a git checkout, the commit it was built from. The values
// live in one translation unit, so a new commit recompiles only that one.
#pragma once

#include <string>
#include <string_view>

namespace natter {

// "0.1.0".
[[nodiscard]] std::string_view version();
// The commit, abbreviated, with "-dirty" when the checkout had uncommitted
// changes; empty for a build from a source tarball.
[[nodiscard]] std::string_view git_revision();
// "0.1.0 (git 0123456789ab)", or "0.1.0" without a revision.
[[nodiscard]] std::string version_line();

}  // namespace natter
