// The steps the cluster takes in Redis that must be atomic, as Lua run by
// EVALSHA (Redis runs a script alone, so no other node sees half of one).
// Key and channel names come from the caller: "<prefix>:online" and so on
// (src/cluster.cpp). An owner record is "<node>\x1f<room>\x1f<name>".
#pragma once

#include <array>
#include <string_view>

namespace natter::cluster_scripts {

// KEYS: seq hash, history stream, epoch. ARGV: room, history length,
// message JSON, room channel. One line into a room: its next sequence
// number, the capped stream `history` reads, and the publish, in one step;
// returns {seq, epoch}. The epoch is made when Redis has none (a Redis that
// restarted empty starts numbering again, and nodes must know).
inline constexpr std::string_view say = R"lua(
local seq = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  local t = redis.call('TIME')
  epoch = t[1] .. string.format('%06d', tonumber(t[2]))
  redis.call('SET', KEYS[3], epoch)
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-1', 'm', ARGV[3])
redis.call('PUBLISH', ARGV[4], seq .. ' ' .. epoch .. '\n' .. ARGV[3])
return {seq, epoch}
)lua";

// KEYS: online hash, nodes zset, this node's members set. ARGV: name key,
// this node, owner record, force ("1": a registered name's owner proved it),
// ctl channel, "here" JSON, node channel prefix, "takeover" JSON, members
// set prefix. A name is free, ours, or held by a node whose lease ran out;
// a live owner keeps it unless forced, and is then told. Returns 1 (ours
// now) or 0 (taken).
inline constexpr std::string_view claim = R"lua(
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local owner = string.match(current, '^([^\31]*)')
  if owner ~= ARGV[2] then
    local expiry = redis.call('ZSCORE', KEYS[2], owner)
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    local alive = expiry and tonumber(expiry) >= now
    if alive and ARGV[4] ~= '1' then return 0 end
    if alive then redis.call('PUBLISH', ARGV[7] .. owner, ARGV[8]) end
    redis.call('SREM', ARGV[9] .. owner, ARGV[1])
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1
)lua";

// KEYS: seq hash, epoch. ARGV: room. Where a room's lines stand: its last
// sequence number and the epoch, read together, as {seq, epoch} ("" for
// none).
inline constexpr std::string_view baseline = R"lua(
return {redis.call('HGET', KEYS[1], ARGV[1]) or '', redis.call('GET', KEYS[2]) or ''}
)lua";

// KEYS: online hash, this node's members set. ARGV: name key, this node,
// ctl channel, "gone" JSON. Frees a name if this node still owns it (a name
// taken over elsewhere is not ours to free). Returns 1 if freed.
inline constexpr std::string_view release = R"lua(
redis.call('SREM', KEYS[2], ARGV[1])
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and string.match(current, '^([^\31]*)') == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('PUBLISH', ARGV[3], ARGV[4])
  return 1
end
return 0
)lua";

// KEYS: nodes zset, online hash. ARGV: this node, lease (ms), members set
// prefix, ctl channel. Renews this node's lease, then reaps every node whose
// lease ran out: its names are freed and the others told. Returns 1 if this
// node was not registered (new, or reaped while cut off): its users must be
// claimed again.
inline constexpr std::string_view heartbeat = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local added = redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
for _, node in ipairs(dead) do
  local members = ARGV[3] .. node
  for _, key in ipairs(redis.call('SMEMBERS', members)) do
    local current = redis.call('HGET', KEYS[2], key)
    if current and string.match(current, '^([^\31]*)') == node then redis.call('HDEL', KEYS[2], key) end
  end
  redis.call('DEL', members)
  redis.call('ZREM', KEYS[1], node)
  redis.call('PUBLISH', ARGV[4], cjson.encode({k = 'node_gone', node = node}))
end
return added
)lua";

// Loaded with SCRIPT LOAD each time the link comes up.
inline constexpr std::array all{say, baseline, claim, release, heartbeat};

}  // namespace natter::cluster_scripts
