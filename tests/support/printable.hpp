// Shows bytes safely in a test failure message: control bytes and ESC become
// \xNN, so a stray CR or escape sequence is visible instead of acted upon.
#pragma once

#include <string>
#include <string_view>

namespace natter::test {

std::string printable(std::string_view bytes);

}  // namespace natter::test
