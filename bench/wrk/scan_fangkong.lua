-- wrk script: POST /api/v1/scans, each request a distinct temporary pass going out.
-- Env: FK_TOKEN (bearer token), FK_PASSES (file of "number,id_number" lines), FK_GATE (gate code),
--      FK_OFFSET (first line to use), FK_THREADS (wrk -t value).
local token = os.getenv("FK_TOKEN")
local gate = os.getenv("FK_GATE") or "bench-gate"
local offset = tonumber(os.getenv("FK_OFFSET") or "0")
local nthreads = tonumber(os.getenv("FK_THREADS") or "2")
local passes = {}
for line in io.lines(os.getenv("FK_PASSES")) do
  local number, idn = line:match("([^,]+),([^,]+)")
  passes[#passes + 1] = {number, idn}
end

local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
end

function request()
  local i = offset + counter * nthreads + tid + 1
  counter = counter + 1
  local p = passes[((i - 1) % #passes) + 1]
  local body = '{"gate":"' .. gate .. '","direction":"out","code":"' .. p[1] .. '","id_number":"' .. p[2] .. '"}'
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
