/**
 * The Lua sources of the lease manager. Every state change is one script, so it is atomic;
 * every expiry is judged with the Redis server's clock (`TIME`), read inside the script.
 *
 * The volume is one hash (see `LeaseKeys` in keys.ts): a field per holder,
 * `<token>|<mode>|<expiresAt>|<horizon>` (ms, server time), and the reserved fields `\0n`
 * (last token) and `\0c` (token-floor ceiling). Expired entries are dropped by the next
 * acquire of the volume; readers skip them.
 *
 * The holder index (hash, volume id → horizon, plus a reserved `\0` field that keeps the key
 * when the holder has no volume left) carries a TTL, so that the index of a holder that
 * vanished goes away. The horizon is the time until which the holder's index entry is known to
 * persist: {@link HORIZON_SLACK_MS} past the lease's expiry, moved only when a renewal comes
 * within half the slack of it. Most renewals then rewrite one hash field and nothing else.
 *
 * The optional last key of acquire/renew/release is the holder index: passed only where one
 * script may touch it (a single Redis, or Sentinel). On a Cluster it lives in another slot;
 * the client updates it with {@link INDEX} when a script says so.
 *
 * Numbers are written with `..` (Lua's `%.14g`): exact for server times in ms and for tokens
 * below 10^14; larger tokens go through `string.format('%.0f')`. Arguments of `redis.call` are
 * always strings: Redis turns a Lua number into text with `%.17g`, which costs microseconds.
 */
/** How far past a lease's expiry its index entry is kept; also the clock skew tolerated between Cluster nodes. */
export const HORIZON_SLACK_MS = 600_000

/** Server time in ms. Helpers are defined only in the scripts that use them: making a closure costs on every call. */
const serverTime = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local slack = ${HORIZON_SLACK_MS}
`
/** `token, mode, expiresAt, horizon` of an entry (strings; expiresAt and horizon also compared as numbers). */
const entryPattern = `'^(%d+)|(%a+)|(%d+)|(%d+)$'`
/** Adds a volume to a holder index; when the key's TTL falls short of the horizon, sets it half a slack beyond. */
const indexAdd = `
local function indexAdd(index, volume, horizon)
  redis.call('HSET', index, volume, horizon .. '', '\\0', '1')
  local left = redis.call('PTTL', index)
  if left < 0 or now + left < horizon then redis.call('PEXPIREAT', index, (horizon + slack / 2) .. '') end
end
`

/**
 * KEYS: volume, [holder index]. ARGV: volumeId, holderId, mode, ttlMs, and with a token
 * floor: floorSeen ('' when none read yet), newCeiling.
 * Returns `{1, token, expiresAt, horizon}`, `{0, conflictingMode}`, or `{-1, issued, ceiling}` when a
 * token block must be reserved in the floor first (nothing changed then but dropping expired holders).
 */
export const ACQUIRE = `${serverTime}${indexAdd}
local volume, index = KEYS[1], KEYS[2]
local holder, mode = ARGV[2], ARGV[3]
local fields = redis.call('HGETALL', volume)
for i = 1, #fields, 2 do
  local other = fields[i]
  if string.byte(other, 1) ~= 0 then
    local _, otherMode, expires = string.match(fields[i + 1], ${entryPattern})
    if (tonumber(expires) or 0) <= now then
      redis.call('HDEL', volume, other)
    elseif other ~= holder and (otherMode == 'exclusive' or mode == 'exclusive' or otherMode ~= mode) then
      return {0, otherMode}
    end
  end
end
if ARGV[5] then
  local state = redis.call('HMGET', volume, '\\0n', '\\0c')
  local issued, ceiling = tonumber(state[1]) or 0, tonumber(state[2]) or 0
  if ARGV[5] ~= '' then
    local floor, raised = tonumber(ARGV[5]), tonumber(ARGV[6])
    if floor > issued then issued = floor end
    if raised > ceiling then ceiling = raised end
    redis.call('HSET', volume, '\\0n', string.format('%.0f', issued), '\\0c', string.format('%.0f', ceiling))
  end
  if issued + 1 > ceiling then return {-1, issued, ceiling} end
end
local token = redis.call('HINCRBY', volume, '\\0n', '1')
local expires = now + tonumber(ARGV[4])
local horizon = expires + slack
local tokenText = token < 1e14 and token .. '' or string.format('%.0f', token)
redis.call('HSET', volume, holder, tokenText .. '|' .. mode .. '|' .. expires .. '|' .. horizon)
if index then indexAdd(index, ARGV[1], horizon) end
return {1, token, expires, horizon}
`

/**
 * KEYS: volume, [holder index]. ARGV: volumeId, holderId, token, ttlMs.
 * Returns `{expiresAt, horizon}`, horizon 0 when it did not move (nothing for the client to
 * do on a Cluster), or `{0, 0}` when the lease is gone, replaced or expired.
 */
export const RENEW = `${serverTime}
local volume, index = KEYS[1], KEYS[2]
local value = redis.call('HGET', volume, ARGV[2])
if not value then return {0, 0} end
local token, mode, expires, horizon = string.match(value, ${entryPattern})
if token ~= ARGV[3] or tonumber(expires) <= now then return {0, 0} end
local renewed = now + tonumber(ARGV[4])
local moved = 0
if tonumber(horizon) - renewed < slack / 2 then
  ${indexAdd}
  moved = renewed + slack
  horizon = moved
  if index then indexAdd(index, ARGV[1], moved) end
end
redis.call('HSET', volume, ARGV[2], token .. '|' .. mode .. '|' .. renewed .. '|' .. horizon)
return {renewed, moved}
`

/**
 * KEYS: volume, [holder index]. ARGV: volumeId, holderId, token ('' = whatever the token: forceRelease).
 * Returns 1 when the entry was removed (for forceRelease: 1 only when it was live, 2 when it had
 * expired), 0 when there was none to remove. A release by token never reads the clock.
 */
export const RELEASE = `
local volume, index = KEYS[1], KEYS[2]
local value = redis.call('HGET', volume, ARGV[2])
if not value then return 0 end
local prefix = ARGV[3] .. '|'
if ARGV[3] ~= '' and string.sub(value, 1, #prefix) ~= prefix then return 0 end
redis.call('HDEL', volume, ARGV[2])
if index then redis.call('HDEL', index, ARGV[1]) end
if ARGV[3] == '' then
  ${serverTime}
  local _, _, expires = string.match(value, ${entryPattern})
  if (tonumber(expires) or 0) <= now then return 2 end
end
return 1
`

/**
 * KEYS: volume. ARGV: holderId ('' = every holder).
 * Returns the live entries, flat: `{holderId, token, mode, expiresAt, ...}`. Read-only.
 */
export const INSPECT = `${serverTime}
local volume = KEYS[1]
local fields
if ARGV[1] == '' then
  fields = redis.call('HGETALL', volume)
else
  local value = redis.call('HGET', volume, ARGV[1])
  fields = value and {ARGV[1], value} or {}
end
local live = {}
for i = 1, #fields, 2 do
  if string.byte(fields[i], 1) ~= 0 then
    local token, mode, expires = string.match(fields[i + 1], ${entryPattern})
    if (tonumber(expires) or 0) > now then
      live[#live + 1] = fields[i]
      live[#live + 1] = token
      live[#live + 1] = mode
      live[#live + 1] = expires
    end
  end
end
return live
`

/**
 * The holder index on its own: KEYS: holder index. ARGV: 'add' | 'remove' | 'list', volumeId, horizon.
 * 'add' and 'remove' serve a Cluster (where acquire/renew/release cannot touch the index);
 * 'list' drops the entries past their horizon (left by leases that expired unreleased) and
 * returns the volume ids, which the caller verifies against the volumes.
 */
export const INDEX = `${serverTime}${indexAdd}
local index = KEYS[1]
if ARGV[1] == 'add' then
  indexAdd(index, ARGV[2], tonumber(ARGV[3]))
  return 1
elseif ARGV[1] == 'remove' then
  return redis.call('HDEL', index, ARGV[2])
end
local fields = redis.call('HGETALL', index)
local volumes = {}
for i = 1, #fields, 2 do
  if string.byte(fields[i], 1) ~= 0 then
    if tonumber(fields[i + 1]) < now then redis.call('HDEL', index, fields[i]) else volumes[#volumes + 1] = fields[i] end
  end
end
return volumes
`
