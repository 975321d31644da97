#include "src/password.hpp"

#include <mutex>

#include <sodium.h>

namespace natter {

Result<void> init_password_hashing() {
    static std::once_flag once;
    static int status = -1;
    std::call_once(once, [] { status = sodium_init(); });
    // sodium_init returns 1 when it was already initialised elsewhere.
    if (status < 0) return fail("libsodium could not be initialised");
    return {};
}

std::size_t password_hash_memory() {
    // libsodium's interactive limit, and 1 MiB for what else a running hash
    // touches (its thread's stack, libsodium's state): bench/natter_hash_cost
    // measures 64.2 MiB of peak memory per hash running.
    return crypto_pwhash_MEMLIMIT_INTERACTIVE + (std::size_t{1} << 20);
}

Result<std::string> hash_password(std::string& clear) {
    if (auto ready = init_password_hashing(); !ready) {
        wipe(clear);
        return tl::unexpected{ready.error()};
    }
    std::string hash(crypto_pwhash_STRBYTES, '\0');
    const int status = crypto_pwhash_str(hash.data(), clear.data(), clear.size(),
                                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                         crypto_pwhash_MEMLIMIT_INTERACTIVE);
    wipe(clear);
    if (status != 0) return fail("password hashing failed (out of memory)");
    hash.resize(hash.find('\0'));
    return hash;
}

bool verify_password(std::string_view hash, std::string& clear) {
    if (!init_password_hashing()) {
        wipe(clear);
        return false;
    }
    // libsodium wants a NUL-terminated hash string.
    const std::string terminated{hash};
    const bool ok = crypto_pwhash_str_verify(terminated.c_str(), clear.data(), clear.size()) == 0;
    wipe(clear);
    return ok;
}

}  // namespace natter
