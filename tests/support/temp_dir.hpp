// A fresh directory under $TMPDIR (or /tmp) for one test's config, database
// and logs; removed with everything in it when the owner goes away.
#pragma once

#include <filesystem>
#include <string_view>

namespace natter::test {

class TempDir {
public:
    // Throws std::runtime_error if mkdtemp fails.
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // Writes `contents` to path()/name and returns the full path.
    std::filesystem::path write_file(std::string_view name, std::string_view contents) const;

private:
    std::filesystem::path path_;
};

}  // namespace natter::test
