-- Marks a subscription disabled (its receiver answered 410 Gone), unless it has been
-- deleted meanwhile: a deleted subscription must not come back as a stray entry.
-- KEYS 1 subscriptions hash   2 disabled subscriptions hash (id -> JSON)
-- ARGV 1 subscription id   2 JSON {at, reason}
-- Returns 1 when marked, 0 when there is no such subscription.
local subscriptions, disabled = KEYS[1], KEYS[2]
local subscriptionId, why = ARGV[1], ARGV[2]

if redis.call('HEXISTS', subscriptions, subscriptionId) == 0 then return 0 end
redis.call('HSET', disabled, subscriptionId, why)
return 1
