#include "src/render/render.hpp"

#include "src/render/event_text.hpp"
#include "src/render/gmcp_messages.hpp"
#include "src/render/json_event.hpp"
#include "src/telnet.hpp"
#include "src/text_layout.hpp"

namespace natter {
namespace {

// Continuation lines of a wrapped line start this far in.
constexpr std::size_t wrap_indent = 2;

}  // namespace

void render(const Event& event, const Variant& variant, std::string& out) {
    if (variant.json) {
        std::string line;
        append_event_text(event, ColourDepth::none, line);
        append_event_frame(event, line, out);
        return;
    }
    if (variant.width == 0 && !variant.ascii && !variant.gmcp && event.kind != EventKind::prompt) {
        // The usual case, plain or coloured: straight into `out`.
        if (append_event_text(event, variant.colour, out)) out.append("\r\n");
        return;
    }
    std::string line;
    const bool has_text = append_event_text(event, variant.colour, line);
    if (has_text) {
        const std::string shown = variant.ascii ? to_ascii(line) : std::string{};
        const std::string_view text = variant.ascii ? std::string_view{shown} : std::string_view{line};
        if (event.kind == EventKind::prompt && variant.prompt != PromptMark::line) {
            // Left open for the answer, and marked so the client shows it.
            out.append(text).append(" ");
            out.push_back(static_cast<char>(telnet_cmd::iac));
            out.push_back(static_cast<char>(variant.prompt == PromptMark::eor ? telnet_cmd::eor : telnet_cmd::ga));
        } else {
            append_wrapped(out, text, variant.width, wrap_indent);
        }
    }
    if (variant.gmcp) {
        // GMCP carries the plain words; colour is the client's to add.
        std::string plain;
        if (has_text && variant.colour != ColourDepth::none) append_event_text(event, ColourDepth::none, plain);
        append_gmcp(event, variant, variant.colour == ColourDepth::none ? std::string_view{line} : plain, out);
    }
}

const std::string& RenderCache::render_for(const Variant& variant, std::uint32_t key) {
    if (!first_rendered_) {
        first_rendered_ = true;
        first_.key = key;
        render(event_, variant, first_.bytes);
        return first_.bytes;
    }
    for (const auto& entry : more_) {
        if (entry.key == key) return entry.bytes;
    }
    auto& entry = more_.emplace_back(Entry{key, {}});
    render(event_, variant, entry.bytes);
    return entry.bytes;
}

}  // namespace natter
