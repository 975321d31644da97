// Splits a connection's data bytes into lines (SPEC §1): CR LF, LF, CR NUL
// and bare CR each end one line; BS and DEL erase the previous character;
// lines over the limit are dropped with one report. Pure; keeps only the
// partial line between calls.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace natter {

struct FramerSnapshot;

class LineSink {
public:
    virtual void on_line(std::string_view raw) = 0;  // without its line end
    virtual void on_overlong_line() = 0;              // once per dropped line

protected:
    ~LineSink() = default;
};

class LineFramer {
public:
    explicit LineFramer(std::size_t max_bytes) : max_bytes_{max_bytes} {}

    void feed(std::string_view bytes, LineSink& sink);
    void set_max_bytes(std::size_t max_bytes) { max_bytes_ = max_bytes; }

    void erase_character();  // the last whole UTF-8 character of the partial line
    void erase_line();       // the whole partial line

    [[nodiscard]] std::size_t partial_size() const { return partial_.size(); }

    // The line being typed, for a hot restart.
    [[nodiscard]] FramerSnapshot snapshot() const;
    void restore(const FramerSnapshot& snapshot);

private:
    void append(std::string_view bytes, LineSink& sink);
    void end_line(LineSink& sink);

    std::string partial_;
    std::size_t max_bytes_;
    bool after_cr_ = false;  // a LF or NUL right after CR belongs to that CR
    bool overlong_ = false;  // dropping bytes until the line ends
};

}  // namespace natter
