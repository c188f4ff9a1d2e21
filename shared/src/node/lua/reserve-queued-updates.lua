--[[
  Reserves room in the queue-depth bound (SPEC §11) for the jobs of one post, or
  nothing at all when they would take the queue past it.

  Input:
    KEYS[1] counter: updates waiting in the queue
    KEYS[2] hash: job id -> "<updates it holds>:<reserved at, ms>"

    ARGV[1] packed JSON {max: number, now: number, jobs: [[jobId, updates], ...]}

  Output:
    the new number of updates waiting, or -1 - (the number waiting) when over the bound.
    A job id already reserved (an idempotent repeat) is not counted twice.
]]
local queuedUpdates = KEYS[1]
local queuedJobs = KEYS[2]
local request = cjson.decode(ARGV[1])

local waiting = tonumber(redis.call('GET', queuedUpdates) or '0')
local adding = 0
for _, job in ipairs(request.jobs) do
  if redis.call('HEXISTS', queuedJobs, job[1]) == 0 then adding = adding + job[2] end
end
if adding > 0 and waiting + adding > request.max then return -1 - waiting end

for _, job in ipairs(request.jobs) do
  redis.call('HSETNX', queuedJobs, job[1], job[2] .. ':' .. request.now)
end
return redis.call('INCRBY', queuedUpdates, adding)
