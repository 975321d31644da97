#include "src/version.hpp"

#include "src/build_version.hpp"  // generated, in the build tree

namespace natter {

std::string_view version() { return build::version; }

std::string_view git_revision() { return build::git_revision; }

std::string version_line() {
    std::string line{build::version};
    if (!build::git_revision.empty()) line.append(" (git ").append(build::git_revision).append(")");
    return line;
}

}  // namespace natter
