// Rendering an event for one variant, and the render-once cache a broadcast
// uses: its bytes are made the first time a receiver of a variant asks,
// then shared by every receiver of that variant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "src/event.hpp"
#include "src/render/variant.hpp"

namespace natter {

// Appends what `event` shows a client of `variant`: its line (colour, 7-bit
// text, wrapped, CR LF or a prompt mark) and its GMCP messages.
void render(const Event& event, const Variant& variant, std::string& out);

class RenderCache {
public:
    explicit RenderCache(const Event& event) : event_{event} {}
    RenderCache(const RenderCache&) = delete;
    RenderCache& operator=(const RenderCache&) = delete;

    // The bytes for `variant`, rendered on first use; valid until the next call.
    [[nodiscard]] const std::string& bytes_for(const Variant& variant);
    // How many variants were rendered: the distinct variants asked for.
    [[nodiscard]] std::size_t renders() const { return entries_.size(); }

private:
    struct Entry {
        std::uint32_t key;
        std::string bytes;
    };
    const Event& event_;
    std::vector<Entry> entries_;  // a handful at most: a linear search is fastest
};

}  // namespace natter
