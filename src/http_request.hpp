// The head of one HTTP/1.1 request (RFC 9112), parsed from bytes that may
// arrive split anywhere: the request line and the header fields, up to the
// empty line. Bounded: a head over max_head_bytes, or with more than
// max_fields fields, is refused, and nothing is kept past the head. Knows
// nothing of what natter serves; web_endpoint decides that. Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace natter {

struct HttpRequest {
    std::string method;  // as sent (methods are case-sensitive)
    std::string target;  // the request target, e.g. "/ws?x=1"
    std::string version;  // "HTTP/1.1"
    std::vector<std::pair<std::string, std::string>> fields;  // names lower-cased, values trimmed

    // The value of a field (first one), or nullopt. `name` is lower case.
    [[nodiscard]] std::optional<std::string_view> field(std::string_view name) const;
    // All values of a field joined with ", " (a list split over lines).
    [[nodiscard]] std::string field_list(std::string_view name) const;
    // Whether a comma-separated field holds `token`, case-insensitively
    // ("Connection: keep-alive, Upgrade" has "upgrade").
    [[nodiscard]] bool field_has_token(std::string_view name, std::string_view token) const;
    // The path part of the target, without the query.
    [[nodiscard]] std::string_view path() const;
};

class HttpRequestParser {
public:
    static constexpr std::size_t max_head_bytes = 8 * 1024;
    static constexpr std::size_t max_fields = 64;

    enum class State { reading, done, failed };

    // Takes bytes; returns how many belong to the head (the rest, once done,
    // is the next thing on the connection: a WebSocket's first frames).
    std::size_t feed(std::string_view bytes);

    [[nodiscard]] State state() const { return state_; }
    [[nodiscard]] const HttpRequest& request() const { return request_; }
    // Once failed: the HTTP status to answer with (400, 414, 431, 505).
    [[nodiscard]] int error_status() const { return error_status_; }

private:
    void fail(int status);
    void parse_line(std::string_view line);

    State state_ = State::reading;
    int error_status_ = 0;
    std::size_t head_bytes_ = 0;
    bool have_request_line_ = false;
    std::string line_;  // the line being read
    HttpRequest request_;
};

}  // namespace natter
