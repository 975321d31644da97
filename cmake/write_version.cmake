# Writes the build's version header: the project version and, in a git
# checkout, the commit being built. Runs on every build, not only when cmake
# configures, so a new commit shows up without re-running cmake; the file is
# rewritten only when its text changes, so nothing recompiles otherwise.
#
# cmake -DSOURCE_DIR=... -DOUTPUT=... -DVERSION=... [-DGIT_EXECUTABLE=...] -P write_version.cmake
set(revision "")
# Only the source tree's own .git: a tarball unpacked inside some other
# checkout must not report that checkout's commit.
if(GIT_EXECUTABLE AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE failed ERROR_QUIET)
  if(failed)
    set(revision "")
  else()
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" status --porcelain --untracked-files=no
                    OUTPUT_VARIABLE changes RESULT_VARIABLE failed ERROR_QUIET)
    if(NOT failed AND NOT changes STREQUAL "")
      string(APPEND revision "-dirty")
    endif()
  endif()
endif()

file(CONFIGURE OUTPUT "${OUTPUT}" @ONLY CONTENT [[
// Generated at build time by cmake/write_version.cmake from CMake's project
// version and the git checkout; edits are overwritten.
#pragma once

#include <string_view>

namespace natter::build {

inline constexpr std::string_view version = "@VERSION@";
inline constexpr std::string_view git_revision = "@revision@";

}  // namespace natter::build
]])
