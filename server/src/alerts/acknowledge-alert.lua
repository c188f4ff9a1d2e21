--[[
  Acknowledges an alert once and publishes the acknowledgement as a new `alert`
  event (its own seq), so every board clears its banner at the same time. An alert
  already acknowledged is returned as it is, with no new event.

  Input:
    KEYS[1] alerts hash        alert id -> alert JSON
    KEYS[2] seq counter
    KEYS[3] event stream       entries `<seq>-0` {kind, data}
    KEYS[4] seq-times zset     seq scored by when it was taken (ms)

    ARGV[1] packed JSON:
      id    the alert's id
      by    who acknowledges it
      at    when (ISO 8601)
      now   the same time (ms)

  Output:
    the alert JSON, or false when there is no such alert
]]
local alertsKey = KEYS[1]
local seqKey = KEYS[2]
local eventsKey = KEYS[3]
local seqTimesKey = KEYS[4]
local request = cjson.decode(ARGV[1])

--- @include "append-event"

local json = redis.call('HGET', alertsKey, request.id)
if not json then return false end
local alert = cjson.decode(json)
if alert.acknowledgedBy then return json end
alert.acknowledgedBy = request.by
alert.acknowledgedAt = request.at
json = cjson.encode(alert)
redis.call('HSET', alertsKey, request.id, json)
appendEvent(seqKey, seqTimesKey, eventsKey, request.now, 'alert', json)
return json
