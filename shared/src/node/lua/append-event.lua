--[[
  Include: the one seq-and-append step every script that publishes an event shares.

  Takes the next global, gap-free seq, notes when it was taken (the time machine
  and the stream trimming read seq-times) and appends the event to the stream
  under the id `<seq>-0`, with the fields `kind` and `data` the stream tail parses.

  appendEvent(seqKey, seqTimesKey, eventsKey, nowMs, kind, data) -> seq
    seqKey       the seq counter (string key holding an integer)
    seqTimesKey  zset of seq scored by the time it was taken (ms)
    eventsKey    the event stream
    nowMs        the time to note (ms since the epoch)
    kind         'status' | 'alert' | 'derogation'
    data         the event's JSON without its seq (the entry id carries it), or a
                 function that builds it from the seq (an alert's id holds its seq)
]]
local function appendEvent(seqKey, seqTimesKey, eventsKey, nowMs, kind, data)
  local seq = redis.call('INCR', seqKey)
  redis.call('ZADD', seqTimesKey, nowMs, seq)
  if type(data) == 'function' then data = data(seq) end
  redis.call('XADD', eventsKey, seq .. '-0', 'kind', kind, 'data', data)
  return seq
end
