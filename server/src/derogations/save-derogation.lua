-- Saves a derogation request if nobody changed it meanwhile, and publishes the
-- change as an event with the next global seq.
-- KEYS 1 derogations hash   2 seq counter   3 event stream   4 seq-times zset
-- ARGV 1 id   2 JSON expected now ('' for a new request)   3 new JSON   4 now (ms)
-- Returns the seq, or -1 when the stored request is not the expected one.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if (current or '') ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
local seq = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[4], ARGV[4], seq)
redis.call('XADD', KEYS[3], seq .. '-0', 'kind', 'derogation', 'data', '{"derogation":' .. ARGV[3] .. '}')
return seq
