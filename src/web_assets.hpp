// The chat page's files (web/), built into natterd by cmake/embed_web.cmake.
#pragma once

#include <string_view>

namespace natter {

struct WebAsset {
    std::string_view path;  // as requested: "/", "/chat.js", ...
    std::string_view content_type;
    std::string_view body;
};

// The file served at `path` ("/index.html" is "/"), or nullptr.
[[nodiscard]] const WebAsset* find_web_asset(std::string_view path);

}  // namespace natter
