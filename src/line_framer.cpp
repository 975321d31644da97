#include "src/line_framer.hpp"

#include "src/restart_state.hpp"
#include "src/wipe.hpp"

namespace natter {
namespace {
bool is_special(char c) { return c == '\r' || c == '\n' || c == '\b' || c == '\x7f'; }
}  // namespace

void LineFramer::feed(std::string_view bytes, LineSink& sink) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        if (after_cr_) {
            after_cr_ = false;
            if (bytes[i] == '\n' || bytes[i] == '\0') {
                ++i;
                continue;
            }
        }
        // Take the run of ordinary bytes in one piece.
        std::size_t run = i;
        while (run < bytes.size() && !is_special(bytes[run])) ++run;
        if (run > i) {
            append(bytes.substr(i, run - i), sink);
            i = run;
            continue;
        }
        const char c = bytes[i++];
        if (c == '\r') {
            end_line(sink);
            after_cr_ = true;
        } else if (c == '\n') {
            end_line(sink);
        } else {
            erase_character();
        }
    }
}

void LineFramer::append(std::string_view bytes, LineSink& sink) {
    if (overlong_) return;
    if (partial_.size() + bytes.size() > max_bytes_) {
        overlong_ = true;
        wipe(partial_);
        sink.on_overlong_line();
        return;
    }
    partial_.append(bytes);
}

void LineFramer::end_line(LineSink& sink) {
    if (overlong_) {
        overlong_ = false;
        return;
    }
    // Copy out first: the sink may feed more input or reconfigure us.
    std::string line;
    line.swap(partial_);
    sink.on_line(line);
    // The line may have been a password: its bytes must not linger in the
    // buffer kept for the next line (or in freed memory).
    wipe(line);
    if (partial_.empty()) partial_.swap(line);  // keep the capacity for the next line
}

void LineFramer::erase_character() {
    if (overlong_ || partial_.empty()) return;
    // A UTF-8 character is a lead byte and up to three continuation bytes;
    // a stray continuation byte (invalid input) is erased on its own.
    std::size_t continuation = 0;
    while (continuation < 3 && continuation < partial_.size() &&
           (static_cast<unsigned char>(partial_[partial_.size() - 1 - continuation]) & 0xC0) == 0x80) {
        ++continuation;
    }
    const bool has_lead = continuation < partial_.size() &&
                          static_cast<unsigned char>(partial_[partial_.size() - 1 - continuation]) >= 0xC0;
    partial_.resize(partial_.size() - (has_lead ? continuation + 1 : 1));
}

void LineFramer::erase_line() {
    partial_.clear();
    overlong_ = false;
}


FramerSnapshot LineFramer::snapshot() const { return {.partial = partial_, .after_cr = after_cr_, .overlong = overlong_}; }

void LineFramer::restore(const FramerSnapshot& snapshot) {
    partial_ = snapshot.partial.substr(0, max_bytes_);
    after_cr_ = snapshot.after_cr;
    overlong_ = snapshot.overlong;
}

}  // namespace natter
