-- Applies one change to one site's status atomically: a compare-and-set on the
-- site's version, so two workers never merge over each other, and one global,
-- gap-free sequence number per event (status, then alerts ended, then raised).
--
-- KEYS  1 status hash   2 versions hash   3 seq counter   4 event stream
--       5 seq-times zset   6 site history zset   7 update record hash
--       8 alerts hash (id -> alert)   9 open alerts hash (site:kind -> id)
--      10 stale sites set
-- ARGV  1 site   2 expected version   3 'applied' | 'superseded'
--       4 new stored status JSON ('' leaves it as it is)
--       5 status event JSON without seq ('' emits none)
--       6 history entry JSON without seq ('' records none)
--       7 now (ms)   8 now (ISO)   9 alert kinds to raise   10 alert kinds to end
--      11 site's region   12 history length kept   13 stale flag: 'set' | 'clear' | ''
--      14 field in the update record marking this site done ('' for none)
--      15 when this is the job's last update, how to finish its record: 'last' or
--         'last-after-applied' (an earlier update of the job applied); '' otherwise
--      16 the sites the job's updates named, comma-separated (with 15)
-- Returns {code, seq}: 1 applied, 2 superseded, 0 done before (a retried job), -1 version moved on.
local site = ARGV[1]
local marker = ARGV[14]
if marker ~= '' then
  local done = redis.call('HGET', KEYS[7], marker)
  if done then return {0, tonumber(done)} end
end

local version = tonumber(redis.call('HGET', KEYS[2], site) or '0')
if version ~= tonumber(ARGV[2]) then return {-1, 0} end

local function nextSeq()
  local seq = redis.call('INCR', KEYS[3])
  redis.call('ZADD', KEYS[5], ARGV[7], seq)
  return seq
end

-- Entries carry their seq; splicing it into the JSON keeps the encoding in TypeScript.
local function withSeq(json, seq)
  return '{"seq":' .. seq .. ',' .. string.sub(json, 2)
end

-- The update's final state goes in the same step, saving the worker a round trip.
local function finishRecord(state, seq)
  if ARGV[15] == '' then return end
  if ARGV[15] == 'last-after-applied' then state = 'applied' end
  redis.call('HSET', KEYS[7], 'state', state, 'seq', seq, 'sites', ARGV[16])
end

local function recordHistory(seq)
  if ARGV[6] ~= '' then
    redis.call('ZADD', KEYS[6], seq, withSeq(ARGV[6], seq))
    redis.call('ZREMRANGEBYRANK', KEYS[6], 0, -(tonumber(ARGV[12]) + 1))
  end
end

if ARGV[3] == 'superseded' then
  -- History only: the board does not change, so no event and no new seq.
  local seq = tonumber(redis.call('GET', KEYS[3]) or '0')
  recordHistory(seq)
  if marker ~= '' then redis.call('HSET', KEYS[7], marker, seq) end
  finishRecord('superseded', seq)
  return {2, seq}
end

local seq = 0
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], site, ARGV[4]) end
redis.call('HSET', KEYS[2], site, version + 1)
if ARGV[5] ~= '' then
  seq = nextSeq()
  redis.call('XADD', KEYS[4], seq .. '-0', 'kind', 'status', 'data', ARGV[5])
end
recordHistory(seq)
if ARGV[13] == 'set' then
  redis.call('SADD', KEYS[10], site)
elseif ARGV[13] == 'clear' then
  redis.call('SREM', KEYS[10], site)
end

for kind in string.gmatch(ARGV[10], '[^,]+') do
  local field = site .. ':' .. kind
  local id = redis.call('HGET', KEYS[9], field)
  if id then
    redis.call('HDEL', KEYS[9], field)
    local alert = cjson.decode(redis.call('HGET', KEYS[8], id))
    alert.endedAt = ARGV[8]
    local json = cjson.encode(alert)
    redis.call('HSET', KEYS[8], id, json)
    local alertSeq = nextSeq()
    redis.call('XADD', KEYS[4], alertSeq .. '-0', 'kind', 'alert', 'data', json)
  end
end

for kind in string.gmatch(ARGV[9], '[^,]+') do
  local field = site .. ':' .. kind
  if redis.call('HEXISTS', KEYS[9], field) == 0 then
    local alertSeq = nextSeq()
    local id = site .. '.' .. kind .. '.' .. alertSeq
    local json = cjson.encode({id = id, kind = kind, site = site, region = ARGV[11], raisedAt = ARGV[8]})
    redis.call('HSET', KEYS[8], id, json)
    redis.call('HSET', KEYS[9], field, id)
    redis.call('XADD', KEYS[4], alertSeq .. '-0', 'kind', 'alert', 'data', json)
  end
end

if marker ~= '' then redis.call('HSET', KEYS[7], marker, seq) end
finishRecord('applied', seq)
return {1, seq}
