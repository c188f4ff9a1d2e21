--[[
  Reads, in one consistent step, what applying a job needs: every site's stored
  status and version, and each update record's state, seq and done markers. A status
  read apart from its version could let a compare-and-set pass over a change it
  never saw; one script reads both at the same instant, in one round trip.

  Input:
    KEYS[1] status hash            site -> stored status JSON
    KEYS[2] versions hash          site -> version
    KEYS[3..] the update records, in the order of `markers`

    ARGV[1] packed JSON:
      sites    the site codes, in order
      markers  per update record, the done-marker fields to read

  Output: one flat list, nil where nothing is stored:
    the statuses of `sites`, then their versions, then per record its state,
    its seq and each of its markers.
]]
local statusKey = KEYS[1]
local versionsKey = KEYS[2]
local request = cjson.decode(ARGV[1])

local reply = redis.call('HMGET', statusKey, unpack(request.sites))
local versions = redis.call('HMGET', versionsKey, unpack(request.sites))
for _, version in ipairs(versions) do reply[#reply + 1] = version end
for index, markers in ipairs(request.markers) do
  local fields = redis.call('HMGET', KEYS[2 + index], 'state', 'seq', unpack(markers))
  for i = 1, #markers + 2 do reply[#reply + 1] = fields[i] end
end
return reply
