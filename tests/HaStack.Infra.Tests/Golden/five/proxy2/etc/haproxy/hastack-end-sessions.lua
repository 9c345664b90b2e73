-- Written by HaStack for proxy2: ends the sessions of a server HAProxy marked down, as
-- `on-marked-down shutdown-sessions` would, but only once they cannot be served any more and no connection to that
-- server can still be being set up:
--   * the server's host answers and Patroni says the role is not this backend's (a switchover, a demotion, a crashed
--     postmaster): after 0 ms. HAProxy 3.0 leaves a client whose connect was cut this way with no
--     timer at all (it hangs until it gives up itself), so there HaStack waits 1 s: a connect to a live host on the
--     LAN takes milliseconds. HAProxy 2.6 does not, so there they end at the next poll.
--   * the host or a service on it does not answer (power lost, network cut, PgBouncer or Patroni down): after 5 s,
--     longer than any connect lasts (3 tries of haproxy.cfg's `timeout connect 1s`, then `timeout queue 1s`). A dead
--     host's sessions are dead anyway; a primary whose Patroni is restarting keeps serving its clients meanwhile,
--     where `shutdown-sessions` would cut every one of them.
local ANSWERED_GRACE_MS = 0
local UNREACHABLE_GRACE_MS = 5000
local POLL_MS = 250

-- per "backend/server": when it was first seen down, and whether its sessions were reported ended
local down = {}

local function now_ms()
  local t = core.now()
  return t.sec * 1000 + t.usec // 1000
end

local function grace_ms(check_status)
  -- L7RSP: the check was answered, but not as it expects (Patroni's 503 for the other role)
  if check_status == "L7RSP" then
    return ANSWERED_GRACE_MS
  end
  return UNREACHABLE_GRACE_MS
end

local function end_sessions_of_down_servers(now)
  for backend_name, backend in pairs(core.backends) do
    for server_name, server in pairs(backend.servers) do
      local key = backend_name .. "/" .. server_name
      local stats = server:get_stats()
      if string.sub(stats.status or "", 1, 4) ~= "DOWN" then
        down[key] = nil
      else
        local seen = down[key]
        if seen == nil then
          seen = { since = now, reported = false }
          down[key] = seen
        end
        local sessions = tonumber(stats.scur) or 0
        local down_for = now - seen.since
        if sessions > 0 and down_for >= grace_ms(stats.check_status) then
          if not seen.reported then
            core.Warning(string.format("hastack: ending %d session(s) on %s, down for %.1f s (check %s)",
              sessions, key, down_for / 1000, tostring(stats.check_status)))
            seen.reported = true
          end
          server:shut_sess()
        end
      end
    end
  end
end

core.register_task(function()
  while true do
    -- an error must not end the task: no down server's sessions would be ended after it
    local ok, err = pcall(end_sessions_of_down_servers, now_ms())
    if not ok then
      core.Alert("hastack: ending the sessions of down servers failed: " .. tostring(err))
    end
    core.msleep(POLL_MS)
  end
end)
