// The time unit and the default bound of every wait in the test support
// code: a silent or wrong server fails a test after this, never hangs it.
#pragma once

#include <chrono>

namespace natter::test {

using Millis = std::chrono::milliseconds;

// How long any single wait may take unless a test says otherwise.
inline constexpr Millis default_timeout{2000};

}  // namespace natter::test
