#include "src/wipe.hpp"

#include <sodium.h>

namespace natter {

void wipe(std::string& secret) {
    secret.resize(secret.capacity());
    wipe(std::span<char>{secret.data(), secret.size()});
    secret.clear();
}

void wipe(std::span<char> bytes) { sodium_memzero(bytes.data(), bytes.size()); }

}  // namespace natter
