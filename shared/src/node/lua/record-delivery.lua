-- Writes one entry of a subscription's delivery log and keeps the log to its bound.
-- A log is never written for a subscription that has been deleted, so deleting one
-- leaves nothing behind even while its deliveries are still finishing.
-- KEYS 1 subscriptions hash   2 delivery order zset (id by creation ms)   3 delivery records hash (id -> JSON)
-- ARGV 1 subscription id   2 delivery id   3 record JSON   4 created (ms)   5 entries kept
--      6 mode: "create" (only when the delivery is not logged yet) or "update"
-- Returns 1 when written, 0 when not.
local subscriptions, order, records = KEYS[1], KEYS[2], KEYS[3]
local subscriptionId, deliveryId, record = ARGV[1], ARGV[2], ARGV[3]
local created, kept, mode = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]

if redis.call('HEXISTS', subscriptions, subscriptionId) == 0 then return 0 end
if mode == 'create' and redis.call('HEXISTS', records, deliveryId) == 1 then return 0 end
redis.call('HSET', records, deliveryId, record)
redis.call('ZADD', order, 'NX', created, deliveryId)
local excess = redis.call('ZCARD', order) - kept
if excess > 0 then
  local oldest = redis.call('ZRANGE', order, 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', order, 0, excess - 1)
  redis.call('HDEL', records, unpack(oldest))
end
return 1
