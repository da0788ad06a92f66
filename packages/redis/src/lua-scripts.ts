/**
 * The Lua sources of the lease manager. Every state change is one script, so it is atomic;
 * every expiry is judged with the Redis server's clock (`TIME`), read inside the script.
 *
 * A holder entry is `<token>|<mode>|<expiresAt>` (ms, server time) in the volume's
 * `holders` hash. Expired entries are dropped by the next acquire; readers skip them.
 * The optional last key of acquire/renew/release is the holder index: passed only where one
 * script may touch it (a single Redis or Sentinel); on a Cluster the client updates it with
 * {@link INDEX} separately.
 */

/** Margin (ms) that keeps index entries past their expiry, for clock skew between Cluster nodes. */
export const INDEX_GRACE_MS = 60_000

const prelude = `
if redis.replicate_commands then redis.replicate_commands() end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local function fmt(n) return string.format('%.0f', n) end
local function parse(value)
  local token, mode, expires = string.match(value, '^(%d+)|(%a+)|(%d+)$')
  return token, mode, tonumber(expires) or 0
end
local function extendTo(key, at)
  local left = redis.call('PTTL', key)
  if left < 0 or now + left < at then redis.call('PEXPIREAT', key, at) end
end
local function indexAdd(index, volume, expires)
  redis.call('ZADD', index, expires, volume)
  extendTo(index, expires + ${INDEX_GRACE_MS})
end
`

/**
 * KEYS: holders, seq, [holder index]. ARGV: volumeId, holderId, mode, ttlMs, useFloor ('1'|'0'),
 * floorSeen ('' when none), newCeiling.
 * Returns `{1, token, expiresAt}`, `{0, conflictingMode}`, or `{-1, issued, ceiling}` when a
 * token block must be reserved in the floor first (nothing changed then but dropping expired holders).
 */
export const ACQUIRE = `${prelude}
local holders, seq, index = KEYS[1], KEYS[2], KEYS[3]
local holder, mode, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4])
local entries = redis.call('HGETALL', holders)
local latest = 0
for i = 1, #entries, 2 do
  local other = entries[i]
  local _, otherMode, expires = parse(entries[i + 1])
  if expires <= now then
    redis.call('HDEL', holders, other)
  elseif other ~= holder then
    if otherMode == 'exclusive' or mode == 'exclusive' or otherMode ~= mode then return {0, otherMode} end
    if expires > latest then latest = expires end
  end
end
if ARGV[5] == '1' then
  local state = redis.call('HMGET', seq, 'n', 'c')
  local issued, ceiling = tonumber(state[1]) or 0, tonumber(state[2]) or 0
  if ARGV[6] ~= '' then
    local floor, raised = tonumber(ARGV[6]), tonumber(ARGV[7])
    if floor > issued then issued = floor end
    if raised > ceiling then ceiling = raised end
    redis.call('HSET', seq, 'n', fmt(issued), 'c', fmt(ceiling))
  end
  if issued + 1 > ceiling then return {-1, issued, ceiling} end
end
local token = redis.call('HINCRBY', seq, 'n', 1)
local expires = now + ttl
redis.call('HSET', holders, holder, fmt(token) .. '|' .. mode .. '|' .. fmt(expires))
if expires > latest then latest = expires end
redis.call('PEXPIREAT', holders, latest)
if index then
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now - ${INDEX_GRACE_MS})
  indexAdd(index, ARGV[1], expires)
end
return {1, token, expires}
`

/**
 * KEYS: holders, [holder index]. ARGV: volumeId, holderId, token, ttlMs.
 * Returns the new expiry (ms, server time), or 0 when the lease is gone, replaced or expired.
 */
export const RENEW = `${prelude}
local holders, index = KEYS[1], KEYS[2]
local value = redis.call('HGET', holders, ARGV[2])
if not value then return 0 end
local token, mode, expires = parse(value)
if token ~= ARGV[3] or expires <= now then return 0 end
local renewed = now + tonumber(ARGV[4])
redis.call('HSET', holders, ARGV[2], token .. '|' .. mode .. '|' .. fmt(renewed))
extendTo(holders, renewed)
if index then indexAdd(index, ARGV[1], renewed) end
return renewed
`

/**
 * KEYS: holders, [holder index]. ARGV: volumeId, holderId, token ('' = whatever the token: forceRelease).
 * Returns 1 when a live lease was removed, 2 when an expired entry was, 0 when there was none to remove.
 */
export const RELEASE = `${prelude}
local holders, index = KEYS[1], KEYS[2]
local value = redis.call('HGET', holders, ARGV[2])
if not value then return 0 end
local token, _, expires = parse(value)
if ARGV[3] ~= '' and token ~= ARGV[3] then return 0 end
redis.call('HDEL', holders, ARGV[2])
if index then redis.call('ZREM', index, ARGV[1]) end
if expires <= now then return 2 end
return 1
`

/**
 * KEYS: holders. ARGV: holderId ('' = every holder).
 * Returns the live entries, flat: `{holderId, token, mode, expiresAt, ...}`. Read-only.
 */
export const INSPECT = `${prelude}
local holders = KEYS[1]
local entries
if ARGV[1] == '' then
  entries = redis.call('HGETALL', holders)
else
  local value = redis.call('HGET', holders, ARGV[1])
  entries = value and {ARGV[1], value} or {}
end
local live = {}
for i = 1, #entries, 2 do
  local token, mode, expires = parse(entries[i + 1])
  if expires > now then
    table.insert(live, entries[i])
    table.insert(live, token)
    table.insert(live, mode)
    table.insert(live, fmt(expires))
  end
end
return live
`

/**
 * The holder index on its own (Cluster): KEYS: holder index. ARGV: 'add' | 'remove' | 'list', volumeId, expiresAt.
 * 'add' also drops entries long past their expiry; 'list' returns the volume ids.
 */
export const INDEX = `${prelude}
local index = KEYS[1]
if ARGV[1] == 'add' then
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now - ${INDEX_GRACE_MS})
  indexAdd(index, ARGV[2], tonumber(ARGV[3]))
  return 1
elseif ARGV[1] == 'remove' then
  return redis.call('ZREM', index, ARGV[2])
end
return redis.call('ZRANGEBYSCORE', index, now - ${INDEX_GRACE_MS}, '+inf')
`
