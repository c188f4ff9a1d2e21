--[[
  Saves a derogation request if nobody changed it meanwhile (a compare-and-set on
  its stored JSON) and publishes the change as a `derogation` event with the next
  global seq.

  Input:
    KEYS[1] derogations hash   id -> derogation JSON
    KEYS[2] seq counter
    KEYS[3] event stream       entries `<seq>-0` {kind, data}
    KEYS[4] seq-times zset     seq scored by when it was taken (ms)

    ARGV[1] packed JSON:
      id          the request's id
      expected    the JSON stored now ('' for a new request)
      derogation  the new JSON
      now         the time (ms)

  Output:
    the seq, or -1 when the stored request is not the expected one
]]
local derogationsKey = KEYS[1]
local seqKey = KEYS[2]
local eventsKey = KEYS[3]
local seqTimesKey = KEYS[4]
local request = cjson.decode(ARGV[1])

--- @include "append-event"

local current = redis.call('HGET', derogationsKey, request.id)
if (current or '') ~= request.expected then return -1 end
redis.call('HSET', derogationsKey, request.id, request.derogation)
return appendEvent(seqKey, seqTimesKey, eventsKey, request.now, 'derogation', '{"derogation":' .. request.derogation .. '}')
