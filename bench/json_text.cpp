// bench/json_text.cpp — finding and decoding one JSON string field.
#include "bench/json_text.hpp"


namespace natter::bench {
namespace {

constexpr std::string_view key = "\"text\"";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void skip_spaces(std::string_view& s) {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
}

bool hex4(std::string_view s, std::uint32_t& value) {
    if (s.size() < 4) {
        return false;
    }
    value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const char c = s[i];
        value <<= 4;
        if (c >= '0' && c <= '9') {
            value |= static_cast<std::uint32_t>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            value |= static_cast<std::uint32_t>(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            value |= static_cast<std::uint32_t>(c - 'A' + 10);
        } else {
            return false;
        }
    }
    return true;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Decodes the string whose opening quote was just consumed from `s`.
JsonText decode_string(std::string_view s, std::string_view& text, std::string& scratch) {
    // Common case: no escape before the closing quote.
    std::size_t i = 0;
    while (i < s.size() && s[i] != '"' && s[i] != '\\') {
        ++i;
    }
    if (i == s.size()) {
        return JsonText::malformed;
    }
    if (s[i] == '"') {
        text = s.substr(0, i);
        return JsonText::found;
    }
    scratch.assign(s.substr(0, i));
    while (i < s.size()) {
        const char c = s[i];
        if (c == '"') {
            text = scratch;
            return JsonText::found;
        }
        if (c != '\\') {
            scratch.push_back(c);
            ++i;
            continue;
        }
        if (i + 1 >= s.size()) {
            return JsonText::malformed;
        }
        const char e = s[i + 1];
        i += 2;
        switch (e) {
        case '"': scratch.push_back('"'); break;
        case '\\': scratch.push_back('\\'); break;
        case '/': scratch.push_back('/'); break;
        case 'b': scratch.push_back('\b'); break;
        case 'f': scratch.push_back('\f'); break;
        case 'n': scratch.push_back('\n'); break;
        case 'r': scratch.push_back('\r'); break;
        case 't': scratch.push_back('\t'); break;
        case 'u': {
            std::uint32_t cp = 0;
            if (!hex4(s.substr(i), cp)) {
                return JsonText::malformed;
            }
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                std::uint32_t low = 0;
                if (s.substr(i, 2) != "\\u" || !hex4(s.substr(i + 2), low) || low < 0xDC00 || low > 0xDFFF) {
                    return JsonText::malformed;
                }
                i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return JsonText::malformed;
            }
            append_utf8(scratch, cp);
            break;
        }
        default:
            return JsonText::malformed;
        }
    }
    return JsonText::malformed;
}

}  // namespace

JsonText json_text_field(std::string_view object, std::string_view& text, std::string& scratch) {
    std::size_t from = 0;
    for (;;) {
        const std::size_t at = object.find(key, from);
        if (at == std::string_view::npos) {
            return JsonText::absent;
        }
        from = at + key.size();
        std::string_view rest = object.substr(from);
        skip_spaces(rest);
        if (rest.empty() || rest.front() != ':') {
            continue;  // a string value "text", not the key
        }
        rest.remove_prefix(1);
        skip_spaces(rest);
        if (rest.empty() || rest.front() != '"') {
            return JsonText::malformed;
        }
        rest.remove_prefix(1);
        return decode_string(rest, text, scratch);
    }
}

}  // namespace natter::bench
