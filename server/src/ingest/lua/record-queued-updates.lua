--[[
  Records a chunk of posted updates as `queued` (what `GET /updates/:id` reads until
  a worker finishes them), in one call instead of three commands an update.

  Input:
    KEYS[1..n] the update records, one per update, in the order of `items`

    ARGV[1] packed JSON {
      ttl: seconds the records are kept,
      common: {keyId, format, receivedAt},   -- the same for every update of a post
      items: [[updateId, site or "", row or -1], ...]
    }

  Output:
    the number of records written.

  `state` is set only where it is missing, so an Idempotency-Key repeat that takes
  over from a server that died mid-post never turns an applied update back to queued.
]]
local request = cjson.decode(ARGV[1])
local common = request.common
local ttl = request.ttl

for i, item in ipairs(request.items) do
  local key = KEYS[i]
  redis.call('HSETNX', key, 'state', 'queued')
  redis.call('HSET', key, 'id', item[1], 'keyId', common.keyId, 'format', common.format, 'receivedAt', common.receivedAt)
  if item[2] ~= '' then redis.call('HSET', key, 'site', item[2]) end
  if item[3] >= 0 then redis.call('HSET', key, 'row', item[3]) end
  redis.call('EXPIRE', key, ttl)
end
return #request.items
