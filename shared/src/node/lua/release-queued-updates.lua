--[[
  Gives back a finished (or abandoned) job's room in the queue-depth bound. Safe to
  call more than once for the same job: only the first call counts.

  Input:
    KEYS[1] counter: updates waiting in the queue
    KEYS[2] hash: job id -> "<updates it holds>:<reserved at, ms>"

    ARGV[1] packed JSON {jobs: [jobId, ...]}

  Output:
    the number of updates released.
]]
local queuedUpdates = KEYS[1]
local queuedJobs = KEYS[2]
local request = cjson.decode(ARGV[1])

local released = 0
for _, jobId in ipairs(request.jobs) do
  local entry = redis.call('HGET', queuedJobs, jobId)
  if entry then
    redis.call('HDEL', queuedJobs, jobId)
    released = released + tonumber(string.match(entry, '^(%d+)'))
  end
end
if released > 0 then
  local left = redis.call('DECRBY', queuedUpdates, released)
  if left < 0 then redis.call('SET', queuedUpdates, 0) end
end
return released
