-- wrk script: POST /api/v1/organizers/{org}/checkinrpc/redeem/ on pretix, one distinct
-- ticket secret per request (type "entry", on one check-in list).
--
-- Env:
--   PRETIX_SECRETS  file with one ticket secret per line  (default bench/pretix/secrets.txt)
--   PRETIX_TOKEN    API token, or PRETIX_TOKEN_FILE       (default bench/pretix/token.txt)
--   PRETIX_LIST     check-in list id, or PRETIX_LIST_FILE (default bench/pretix/list_id.txt)
--   PRETIX_ORG      organizer slug (default "bench")
--   PRETIX_OFFSET   index of the first secret to use in this run (default 0); use a fresh
--                   range for each run, since the once-a-day rule rejects a second entry today
--   PRETIX_THREADS  the -t value given to wrk (default 1); needed so the threads interleave
--                   over the secrets without overlapping
--
-- Request k of thread t (0-based) uses secret OFFSET + k*THREADS + t, so no secret repeats
-- within a run until the file is exhausted (then it wraps and a warning is printed).
-- next_offset in the RESULT line is the first index no thread has reached (request() also
-- counts requests still in flight at the end), so chaining runs on it never reuses a secret.
-- done() prints a RESULT line with JSON: requests, rps, latency percentiles, and the count of
-- 2xx answers whose body has "status": "ok" (a check-in that was accepted).

local function read_first_line(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local s = f:read("*l")
  f:close()
  return s and (s:gsub("%s+$", "")) or nil
end

local root = os.getenv("PRETIX_DIR") or "bench/pretix"
local secrets_file = os.getenv("PRETIX_SECRETS") or (root .. "/secrets.txt")
local token = os.getenv("PRETIX_TOKEN") or read_first_line(os.getenv("PRETIX_TOKEN_FILE") or (root .. "/token.txt"))
local list_id = os.getenv("PRETIX_LIST") or read_first_line(os.getenv("PRETIX_LIST_FILE") or (root .. "/list_id.txt"))
local org = os.getenv("PRETIX_ORG") or "bench"
local offset = tonumber(os.getenv("PRETIX_OFFSET") or "0")
local nthreads = tonumber(os.getenv("PRETIX_THREADS") or "1")
assert(token, "no token: set PRETIX_TOKEN or PRETIX_TOKEN_FILE")
assert(list_id, "no list id: set PRETIX_LIST or PRETIX_LIST_FILE")

local secrets = {}
for line in io.lines(secrets_file) do
  if #line > 0 then secrets[#secrets + 1] = line end
end
assert(#secrets > 0, "no secrets in " .. secrets_file)

local path = "/api/v1/organizers/" .. org .. "/checkinrpc/redeem/"
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Token " .. token,
}

-- main state: keep the thread handles so done() can collect their counters
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

-- per-thread state
counter, ok, not_ok, non2xx, wrapped = 0, 0, 0, 0, 0
last_bad = ""  -- status and reason of the last non-ok answer, for diagnosis

function request()
  local i = offset + counter * nthreads + tid
  counter = counter + 1
  if i >= #secrets then wrapped = wrapped + 1 end
  local s = secrets[(i % #secrets) + 1]
  local body = '{"secret":"' .. s .. '","lists":[' .. list_id .. '],"type":"entry"}'
  return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, body)
  if status >= 200 and status < 300 then
    if body:find('"status"%s*:%s*"ok"') then ok = ok + 1 else
      not_ok = not_ok + 1
      last_bad = status .. " " .. (body:match('"reason"%s*:%s*"([^"]*)"') or body:sub(1, 80))
    end
  else
    non2xx = non2xx + 1
    last_bad = status .. " " .. (body:match('"reason"%s*:%s*"([^"]*)"') or body:sub(1, 80))
  end
end

function done(summary, latency, requests)
  local sent, n_ok, n_bad, n_non2xx, n_wrap, maxc = 0, 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    local c = t:get("counter") or 0
    sent = sent + c
    if c > maxc then maxc = c end
    local lb = t:get("last_bad")
    if lb and #lb > 0 then io.stderr:write("thread " .. t:get("tid") .. " last non-ok answer: " .. lb .. "\n") end
    n_ok = n_ok + (t:get("ok") or 0)
    n_bad = n_bad + (t:get("not_ok") or 0)
    n_non2xx = n_non2xx + (t:get("non2xx") or 0)
    n_wrap = n_wrap + (t:get("wrapped") or 0)
  end
  local secs = summary.duration / 1e6
  local answered = n_ok + n_bad + n_non2xx
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  if n_wrap > 0 then
    io.stderr:write(string.format("WARNING: %d requests reused secrets (file has %d)\n", n_wrap, #secrets))
  end
  io.write(string.format(
    'RESULT {"requests": %d, "sent": %d, "duration_s": %.3f, "rps": %.2f, ' ..
    '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, ' ..
    '"ok_2xx": %d, "other_2xx": %d, "non2xx": %d, "socket_errors": %d, "ok_share": %.4f, ' ..
    '"offset": %d, "next_offset": %d}\n',
    summary.requests, sent, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, n_ok, n_bad, n_non2xx, errors,
    answered > 0 and n_ok / answered or 0, offset, offset + maxc * nthreads))
end
