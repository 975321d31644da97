// A self-signed certificate for trying TLS on one machine (natterd
// --make-test-cert, the tests, the fuzzer): ECDSA P-256, for localhost,
// 127.0.0.1 and ::1, valid for a year. No client trusts it without being
// told to; a real server uses a certificate from a CA (Let's Encrypt).
#pragma once

#include <filesystem>
#include <string>

#include "src/error.hpp"

namespace natter {

struct TestCertificate {
    std::string cert_pem;
    std::string key_pem;
};

[[nodiscard]] Result<TestCertificate> make_test_certificate();

// Writes cert.pem and key.pem (mode 0600) into `dir`, made if missing;
// refuses to overwrite either, since clients that pin a certificate
// (tintin++) refuse a changed one. Returns the two paths.
[[nodiscard]] Result<std::pair<std::filesystem::path, std::filesystem::path>> write_test_certificate(
    const std::filesystem::path& dir);

}  // namespace natter
