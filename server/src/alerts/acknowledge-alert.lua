-- Acknowledges an alert once and publishes the acknowledgement as a new event, so
-- every board clears its banner at the same time.
-- KEYS 1 alerts hash   2 seq counter   3 event stream   4 seq-times zset
-- ARGV 1 alert id   2 who   3 now (ISO)   4 now (ms)
-- Returns the alert JSON, or false when there is no such alert.
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
local alert = cjson.decode(json)
if alert.acknowledgedBy then return json end
alert.acknowledgedBy = ARGV[2]
alert.acknowledgedAt = ARGV[3]
json = cjson.encode(alert)
redis.call('HSET', KEYS[1], ARGV[1], json)
local seq = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[4], ARGV[4], seq)
redis.call('XADD', KEYS[3], seq .. '-0', 'kind', 'alert', 'data', json)
return json
