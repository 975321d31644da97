// Overwriting clear text (passwords) in memory once it is used, so it is not
// left behind in freed or reused buffers.
#pragma once

#include <span>
#include <string>

namespace natter {

// Overwrites every byte the string owns (its whole capacity, so a short
// password in the small-string buffer goes too) and empties it.
void wipe(std::string& secret);

// Overwrites the bytes; the compiler may not drop it as a dead store.
void wipe(std::span<char> bytes);

}  // namespace natter
