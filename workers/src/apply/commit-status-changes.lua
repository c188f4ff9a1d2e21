--[[
  Commits status changes computed in TypeScript (with the shared merge rules), all
  or nothing, and only if no site they touch has changed since it was read: a
  compare-and-set on every site's version, so two workers never merge over each
  other. Then, for each change in order:
    - an applied change takes its own seq and appends its `status` event, ends the
      alerts whose cause stopped and raises the new ones (each alert event its own
      seq, after the status event), and updates the site's stale flag;
    - a superseded change only adds history (no event, no new seq);
    - a change from a posted update adds its history entry (carrying its seq),
      marks itself done in the update's record, and the update's last change
      finishes the record with the update's state and seq.
  A change already marked done (the same job run twice) is left as it is.

  Input:
    KEYS[1] status hash            site -> stored status JSON
    KEYS[2] versions hash          site -> version, one more per applied change
    KEYS[3] seq counter
    KEYS[4] event stream           entries `<seq>-0` {kind, data}
    KEYS[5] seq-times zset         seq scored by when it was taken (ms)
    KEYS[6] alerts hash            alert id -> alert JSON
    KEYS[7] open alerts hash       `<site>:<kind>` -> alert id
    KEYS[8] stale sites set
    KEYS[9..] the history zsets and update records the changes name, by index

    ARGV[1] the batch, packed JSON:
      now          time of the batch (ms)
      nowIso       the same time, ISO 8601
      historyKept  history entries kept per site
      expect       {{site, version}, ...}: every site the changes touch, at the
                   version the changes were computed from
      changes      in order, each:
        site, region
        state      'applied' | 'superseded'
        status     applied: the new stored status JSON
        projected  applied: the site's SiteStatus JSON after it
        previous   the SiteStatus JSON before the site's first applied change in
                   this batch (absent: the site had none); later changes of the
                   site take the one before them
        publish    applied: true to append a `status` event
        raise      alert kinds to raise unless already open
        ['end']    alert kinds to end if open
        stale      'set' | 'clear' the site's stale flag (absent: unchanged)
        history    KEYS index of the site's history zset, with
        entry      the history entry's JSON members without braces; the seq
                   goes first and an applied change's `status` last
        record     KEYS index of the update's record, with
        marker     the record field that marks this change done
        finish     on the update's last change:
                   {sites, earlierApplied, earlierSeq} for its changes done before

  Output:
    {'moved', site, ...}  a site's version moved: nothing was written
    {'ok', result, ...}   one `<state>:<seq>` per change, in order (a change found
                          done keeps the result it had)
]]
local statusKey = KEYS[1]
local versionsKey = KEYS[2]
local seqKey = KEYS[3]
local eventsKey = KEYS[4]
local seqTimesKey = KEYS[5]
local alertsKey = KEYS[6]
local openAlertsKey = KEYS[7]
local staleSitesKey = KEYS[8]

local batch = cjson.decode(ARGV[1])
local now = batch.now
local nowIso = batch.nowIso

--- @include "append-event"

local moved = {'moved'}
for _, expected in ipairs(batch.expect) do
  local version = tonumber(redis.call('HGET', versionsKey, expected[1]) or '0')
  if version ~= expected[2] then moved[#moved + 1] = expected[1] end
end
if #moved > 1 then return moved end

local function publish(kind, data)
  return appendEvent(seqKey, seqTimesKey, eventsKey, now, kind, data)
end

-- Open alerts as this batch leaves them, so a site's many changes ask Redis once:
-- `<site>:<kind>` -> alert id, or false when none is open.
local openAlerts = {}
local function openAlert(field)
  local id = openAlerts[field]
  if id == nil then
    id = redis.call('HGET', openAlertsKey, field)
    openAlerts[field] = id
  end
  return id
end

local function endAlerts(site, kinds)
  for _, kind in ipairs(kinds) do
    local field = site .. ':' .. kind
    local id = openAlert(field)
    if id then
      redis.call('HDEL', openAlertsKey, field)
      openAlerts[field] = false
      local alert = cjson.decode(redis.call('HGET', alertsKey, id))
      alert.endedAt = nowIso
      local json = cjson.encode(alert)
      redis.call('HSET', alertsKey, id, json)
      publish('alert', json)
    end
  end
end

local function raiseAlerts(site, region, kinds)
  for _, kind in ipairs(kinds) do
    local field = site .. ':' .. kind
    if not openAlert(field) then
      publish('alert', function(seq)
        local id = site .. '.' .. kind .. '.' .. seq
        local json = cjson.encode({id = id, kind = kind, site = site, region = region, raisedAt = nowIso})
        redis.call('HSET', alertsKey, id, json)
        redis.call('HSET', openAlertsKey, field, id)
        openAlerts[field] = id
        return json
      end)
    end
  end
end

-- A site's status, version and stale flag are written once, after its last change.
local finalStatus = {}
local appliedCount = {}
local staleFlag = {}
local historyTouched = {}
-- Each site's SiteStatus JSON before its next change: that event's `previous`.
local lastProjected = {}
-- What the changes of one update did in this batch: {applied, seq}.
local progress = {}
local results = {'ok'}

for _, change in ipairs(batch.changes) do
  local site = change.site
  local recordKey = change.record and KEYS[change.record]
  local done = recordKey and redis.call('HGET', recordKey, change.marker)
  if done then
    results[#results + 1] = done
  else
    local seq
    if change.state == 'superseded' then
      seq = tonumber(redis.call('GET', seqKey) or '0')
    else
      seq = 0
      finalStatus[site] = change.status
      appliedCount[site] = (appliedCount[site] or 0) + 1
      if change.previous then lastProjected[site] = change.previous end
      if change.publish then
        -- The event is assembled from JSON made in TypeScript: {site, status, previous}.
        local event = '{"site":' .. cjson.encode(site) .. ',"status":' .. change.projected .. ',"previous":' .. (lastProjected[site] or 'null') .. '}'
        seq = publish('status', event)
      end
      lastProjected[site] = change.projected
      if change.stale then staleFlag[site] = change.stale end
      endAlerts(site, change['end'] or {})
      raiseAlerts(site, change.region, change.raise or {})
    end

    if change.history then
      local entry = '{"seq":' .. seq .. ',' .. change.entry
      if change.state == 'applied' then entry = entry .. ',"status":' .. change.projected end
      redis.call('ZADD', KEYS[change.history], seq, entry .. '}')
      historyTouched[change.history] = true
    end

    local result = change.state .. ':' .. seq
    results[#results + 1] = result
    if recordKey then
      local update = progress[change.record] or {applied = false, seq = 0}
      progress[change.record] = update
      update.applied = update.applied or change.state == 'applied'
      update.seq = math.max(update.seq, seq)
      if change.finish then
        local applied = update.applied or change.finish.earlierApplied
        local finalSeq = math.max(update.seq, change.finish.earlierSeq)
        redis.call('HSET', recordKey, change.marker, result, 'state', applied and 'applied' or 'superseded', 'seq', finalSeq, 'sites', change.finish.sites)
      else
        redis.call('HSET', recordKey, change.marker, result)
      end
    end
  end
end

for site, count in pairs(appliedCount) do
  redis.call('HSET', statusKey, site, finalStatus[site])
  redis.call('HINCRBY', versionsKey, site, count)
end
for site, flag in pairs(staleFlag) do
  if flag == 'set' then
    redis.call('SADD', staleSitesKey, site)
  else
    redis.call('SREM', staleSitesKey, site)
  end
end
for index in pairs(historyTouched) do
  redis.call('ZREMRANGEBYRANK', KEYS[index], 0, -(batch.historyKept + 1))
end
return results
