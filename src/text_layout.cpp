#include "src/text_layout.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include <utf8proc.h>

namespace natter {
namespace {

// One unit of layout: a grapheme cluster, a space (or tab), or an escape
// sequence.
struct Piece {
    enum class Kind : unsigned char { cluster, space, escape };
    std::string_view bytes;
    std::size_t width;
    Kind kind;
};

bool widens(utf8proc_int32_t cp) {
    return cp == 0xFE0F || cp == 0x200D || (cp >= 0x1F3FB && cp <= 0x1F3FF);
}

bool is_regional_indicator(utf8proc_int32_t cp) { return cp >= 0x1F1E6 && cp <= 0x1F1FF; }

// Calls f(piece) for each piece of `text`, in order.
template <class F>
void for_each_piece(std::string_view text, F&& f) {
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const char c = text[i];
        if (c == '\x1b') {
            // CSI: ESC [ parameters, then one final byte 0x40-0x7E.
            std::size_t j = i + 1;
            if (j < n && text[j] == '[') {
                ++j;
                while (j < n && !(text[j] >= 0x40 && text[j] <= 0x7E)) ++j;
                if (j < n) ++j;
            }
            f(Piece{text.substr(i, j - i), 0, Piece::Kind::escape});
            i = j;
            continue;
        }
        if (c == ' ' || c == '\t') {
            f(Piece{text.substr(i, 1), 1, Piece::Kind::space});
            ++i;
            continue;
        }
        if (static_cast<unsigned char>(c) < 0x80) {
            f(Piece{text.substr(i, 1), c >= 0x20 && c < 0x7F ? 1U : 0U, Piece::Kind::cluster});
            ++i;
            continue;
        }
        // A cluster: code points up to the next grapheme break.
        std::size_t j = i;
        utf8proc_int32_t state = 0;
        utf8proc_int32_t previous = -1;
        int width = 0;
        bool wide = false;
        int regional = 0;
        while (j < n) {
            utf8proc_int32_t cp = 0;
            auto used = utf8proc_iterate(bytes + j, static_cast<utf8proc_ssize_t>(n - j), &cp);
            if (used <= 0) {
                if (previous != -1) break;
                cp = 0xFFFD;  // not sanitised text: one byte, one column
                used = 1;
            }
            if (previous != -1 &&
                (cp < 0x80 || utf8proc_grapheme_break_stateful(previous, cp, &state))) {
                break;
            }
            if (previous == -1) width = std::max(utf8proc_charwidth(cp), 0);
            wide = wide || widens(cp);
            if (is_regional_indicator(cp)) ++regional;
            previous = cp;
            j += static_cast<std::size_t>(used);
        }
        if (wide || regional >= 2) width = std::max(width, 2);
        f(Piece{text.substr(i, j - i), static_cast<std::size_t>(width), Piece::Kind::cluster});
        i = j;
    }
}

bool is_plain_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
}

bool is_reset(std::string_view sgr) { return sgr == "\x1b[0m" || sgr == "\x1b[m"; }

// The state of the line being filled.
class Filler {
public:
    Filler(std::string& out, std::size_t width, std::size_t indent) : out_{out}, width_{width}, indent_{indent} {}

    void word(const std::vector<Piece>& pieces, std::size_t width) {
        // A word too long for any line starts where it is and is broken
        // between clusters; any other goes to the next line if it must.
        const bool too_long = width > width_ - indent_;
        std::size_t first = 0;  // the first cluster's width: it must fit after the spaces
        for (const auto& piece : pieces) {
            if (piece.kind == Piece::Kind::cluster) {
                first = piece.width;
                break;
            }
        }
        if (has_text_) {
            if (column_ + spaces_width_ + (too_long ? first : width) <= width_) {
                line_.append(spaces_);
                column_ += spaces_width_;
            } else {
                end_line();
            }
        } else if (first_line_) {
            line_.append(spaces_);  // the first line keeps its leading spaces
            column_ += spaces_width_;
        }
        spaces_.clear();
        spaces_width_ = 0;
        const bool fits = column_ + width <= width_;
        for (const auto& piece : pieces) {
            if (!fits && piece.kind == Piece::Kind::cluster && has_text_ && column_ + piece.width > width_) end_line();
            append(piece);
        }
    }

    void space(const Piece& piece) {
        spaces_.append(piece.bytes);
        spaces_width_ += piece.width;
    }

    void finish() {
        if (first_line_ || has_text_) line_.append(spaces_);
        out_.append(line_).append("\r\n");
    }

private:
    void append(const Piece& piece) {
        line_.append(piece.bytes);
        column_ += piece.width;
        if (piece.kind == Piece::Kind::escape) {
            colour_ = is_reset(piece.bytes) ? std::string_view{} : piece.bytes;
        } else {
            has_text_ = true;
        }
    }

    void end_line() {
        if (!colour_.empty()) line_.append("\x1b[0m");
        out_.append(line_).append("\r\n");
        line_.assign(indent_, ' ');
        line_.append(colour_);
        column_ = indent_;
        has_text_ = false;
        first_line_ = false;
    }

    std::string& out_;
    std::size_t width_;
    std::size_t indent_;
    std::string line_;
    std::size_t column_ = 0;
    std::string spaces_;  // spaces seen since the last word, placed before the next
    std::size_t spaces_width_ = 0;
    std::string_view colour_;  // the colour sequence in force, if any
    bool has_text_ = false;
    bool first_line_ = true;
};

}  // namespace

std::size_t display_width(std::string_view text) {
    if (is_plain_ascii(text)) return text.size();
    std::size_t width = 0;
    for_each_piece(text, [&](const Piece& piece) { width += piece.width; });
    return width;
}

void append_wrapped(std::string& out, std::string_view line, std::size_t width, std::size_t indent) {
    if (width == 0 || (is_plain_ascii(line) ? line.size() : display_width(line)) <= width) {
        out.append(line).append("\r\n");
        return;
    }
    // Keep at least half the line for text.
    if (indent * 2 > width) indent = 0;
    Filler filler{out, width, indent};
    std::vector<Piece> word;
    std::size_t word_width = 0;
    const auto flush_word = [&] {
        if (word.empty()) return;
        filler.word(word, word_width);
        word.clear();
        word_width = 0;
    };
    for_each_piece(line, [&](const Piece& piece) {
        if (piece.kind == Piece::Kind::space) {
            flush_word();
            filler.space(piece);
        } else {
            word.push_back(piece);
            word_width += piece.width;
        }
    });
    flush_word();
    filler.finish();
}

std::string to_ascii(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for_each_piece(text, [&](const Piece& piece) {
        const auto bytes = piece.bytes;
        if (piece.kind != Piece::Kind::cluster || static_cast<unsigned char>(bytes.front()) < 0x80) {
            out.append(bytes);
            return;
        }
        // Decompose and drop the marks: what is left may be ASCII (é → e).
        utf8proc_uint8_t* mapped = nullptr;
        const auto length =
            utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(bytes.data()), static_cast<utf8proc_ssize_t>(bytes.size()),
                         &mapped, static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK));
        std::string_view stripped;
        if (length > 0 && mapped != nullptr) {
            stripped = {reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length)};
        }
        if (is_plain_ascii(stripped)) {
            out.append(stripped);  // nothing at all for marks alone
        } else {
            out.push_back('?');
        }
        std::free(mapped);
    });
    return out;
}

}  // namespace natter
