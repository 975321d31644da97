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
    // The cache keeps a reference: a temporary event would dangle.
    explicit RenderCache(Event&&) = delete;
    RenderCache(const RenderCache&) = delete;
    RenderCache& operator=(const RenderCache&) = delete;

    // The bytes for `variant` (whose key() is `key`), rendered on first use;
    // valid until the next call. Inline for the usual case, a receiver like
    // the first: it runs once per receiver of every broadcast.
    [[nodiscard]] const std::string& bytes_for(const Variant& variant, std::uint32_t key) {
        if (first_rendered_ && first_.key == key) return first_.bytes;
        return render_for(variant, key);
    }
    [[nodiscard]] const std::string& bytes_for(const Variant& variant) { return bytes_for(variant, variant.key()); }
    // How many variants were rendered: the distinct variants asked for.
    [[nodiscard]] std::size_t renders() const { return (first_rendered_ ? 1 : 0) + more_.size(); }

private:
    const std::string& render_for(const Variant& variant, std::uint32_t key);

    struct Entry {
        std::uint32_t key;
        std::string bytes;
    };
    const Event& event_;
    // The first variant asked for needs no allocation; the rest are a
    // handful at most, where a linear search is fastest.
    Entry first_{};
    bool first_rendered_ = false;
    std::vector<Entry> more_;
};

}  // namespace natter
