// Password hashing: argon2id through libsodium, and wiping clear text from
// memory once it is used. Knows nothing of accounts or sessions. Hashing is
// deliberately slow (tens of milliseconds, 64 MiB): call it only from a
// Background worker, never on the event loop thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "src/error.hpp"
#include "src/wipe.hpp"

namespace natter {

// The memory one hash (or check) holds while it runs: libsodium's
// interactive limit (64 MiB) and a little more. How many hashes natterd
// runs at once is sized by it.
[[nodiscard]] std::size_t password_hash_memory();

// Initialises libsodium (once per process; later calls are cheap). Called
// before the first hash; fails only if the library cannot start.
[[nodiscard]] Result<void> init_password_hashing();

// The argon2id hash of `clear` in libsodium's self-describing string form
// ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"). Wipes `clear`.
[[nodiscard]] Result<std::string> hash_password(std::string& clear);

// True if `clear` matches `hash`. Wipes `clear`.
[[nodiscard]] bool verify_password(std::string_view hash, std::string& clear);

// Clear text on its way to a worker thread. Shared by pointer, so the text
// is never copied; wiped when the last holder lets go.
class Secret {
public:
    // Takes the text out of `text` and wipes what is left there.
    explicit Secret(std::string& text) : text_{std::move(text)} { wipe(text); }
    ~Secret() { wipe(text_); }
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;

    [[nodiscard]] std::string& text() { return text_; }

private:
    std::string text_;
};

}  // namespace natter
