#include "src/http_request.hpp"

#include <algorithm>

#include "src/text.hpp"

namespace natter {
namespace {

constexpr std::size_t max_target_bytes = 2048;

// RFC 9110 tchar.
bool is_token_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

// Visible characters, spaces and tabs (RFC 9110 field-value, obs-text too).
bool is_field_value(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u == '\t' || u >= 0x20 ? u != 0x7F : false;
    });
}

std::string_view trim_ows(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

}  // namespace

std::optional<std::string_view> HttpRequest::field(std::string_view name) const {
    for (const auto& [key, value] : fields) {
        if (key == name) return value;
    }
    return std::nullopt;
}

std::string HttpRequest::field_list(std::string_view name) const {
    std::string out;
    for (const auto& [key, value] : fields) {
        if (key != name) continue;
        if (!out.empty()) out += ", ";
        out += value;
    }
    return out;
}

bool HttpRequest::field_has_token(std::string_view name, std::string_view token) const {
    const auto list = field_list(name);
    std::string_view rest{list};
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        if (ascii_lower(trim_ows(rest.substr(0, comma))) == ascii_lower(token)) return true;
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    return false;
}

std::string_view HttpRequest::path() const {
    const std::string_view t{target};
    return t.substr(0, t.find('?'));
}

void HttpRequestParser::fail(int status) {
    state_ = State::failed;
    error_status_ = status;
    line_.clear();
}

std::size_t HttpRequestParser::feed(std::string_view bytes) {
    std::size_t used = 0;
    while (used < bytes.size() && state_ == State::reading) {
        const auto rest = bytes.substr(used);
        const auto lf = rest.find('\n');
        const auto take = lf == std::string_view::npos ? rest.size() : lf + 1;
        head_bytes_ += take;
        used += take;
        if (head_bytes_ > max_head_bytes) {
            fail(have_request_line_ ? 431 : 414);
            break;
        }
        line_.append(rest.substr(0, take));
        if (lf == std::string_view::npos) break;  // the line goes on in the next bytes
        std::string_view line{line_};
        line.remove_suffix(1);  // LF
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        parse_line(line);
        line_.clear();
    }
    return used;
}

void HttpRequestParser::parse_line(std::string_view line) {
    if (!have_request_line_) {
        if (line.empty()) return;  // RFC 9112 §2.2: empty lines before the request line are ignored
        const auto first = line.find(' ');
        const auto last = line.rfind(' ');
        if (first == std::string_view::npos || first == last) return fail(400);
        const auto method = line.substr(0, first);
        const auto target = line.substr(first + 1, last - first - 1);
        const auto version = line.substr(last + 1);
        if (!is_token(method) || target.empty() || target.find(' ') != std::string_view::npos) return fail(400);
        if (target.size() > max_target_bytes) return fail(414);
        if (target.front() != '/' || !is_field_value(target)) return fail(400);
        if (!version.starts_with("HTTP/") || version.size() != 8 || version[6] != '.') return fail(400);
        if (version != "HTTP/1.1" && version != "HTTP/1.0") return fail(505);
        request_.method = method;
        request_.target = target;
        request_.version = version;
        have_request_line_ = true;
        return;
    }
    if (line.empty()) {
        state_ = State::done;
        return;
    }
    // No line folding (obsolete), no space before the colon (RFC 9112 §5).
    if (line.front() == ' ' || line.front() == '\t') return fail(400);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return fail(400);
    const auto name = line.substr(0, colon);
    const auto value = trim_ows(line.substr(colon + 1));
    if (!is_token(name) || !is_field_value(value)) return fail(400);
    if (request_.fields.size() >= max_fields) return fail(431);
    request_.fields.emplace_back(ascii_lower(name), std::string{value});
}

}  // namespace natter
