-- wrk script for bench/morning_peak.py: POST /api/v1/scans across the gates of many communities.
-- Env: FK_TOKEN (bearer token), FK_PASSES (file of "number,id_number,gate" lines), FK_OFFSET (first line),
--      FK_STRIDE (lines between two requests of one connection: wrk processes × connections).
local token = os.getenv("FK_TOKEN")
local offset = tonumber(os.getenv("FK_OFFSET") or "0")
local stride = tonumber(os.getenv("FK_STRIDE") or "1")
local passes = {}
for line in io.lines(os.getenv("FK_PASSES")) do
  local number, idn, gate = line:match("([^,]+),([^,]+),([^,]+)")
  passes[#passes + 1] = {number, idn, gate}
end

local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local counter = 0
function request()
  -- Connections of a thread share its counter: line offset + tid + k × stride, each pass used once per lap.
  local i = offset + tid + counter * stride
  counter = counter + 1
  local p = passes[(i % #passes) + 1]
  local body = '{"gate":"' .. p[3] .. '","direction":"out","code":"' .. p[1] .. '","id_number":"' .. p[2] ..
    '","temperature":"36.5"}'
  return wrk.format("POST", "/api/v1/scans", {["Content-Type"] = "application/json",
                    ["Authorization"] = "Bearer " .. token}, body)
end

function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests": %d, "duration_s": %.3f, "rps": %.1f, "p50_ms": %.2f, ' ..
    '"p95_ms": %.2f, "p99_ms": %.2f, "errors": %d, "non2xx": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
