// One reply from Redis, as plain values: what the cluster's logic reads,
// with no hiredis type in sight so that the core and its tests need no
// connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace natter {

struct RedisValue {
    enum class Kind { nil, integer, string, status, error, array };
    Kind kind = Kind::nil;
    std::int64_t integer = 0;
    std::string text;  // string, status or error (binary-safe)
    std::vector<RedisValue> elements;  // array

    bool is_error() const { return kind == Kind::error; }
};

}  // namespace natter
