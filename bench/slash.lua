-- wrk script (copied from ../shared/bench/slash.lua): each thread loads the pre-signed requests from $BENCH_REQUESTS
-- (lines "<timestamp> <signature> <form body>", written by sign.py), cycles through them from its own
-- starting point, and done() prints one RESULT line. wrk counts answers with status >= 400 as errors.status.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local requests, n, i = {}, 0, 0

function init(args)
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local line_no = 0
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    if line_no % threads == id then
      local ts, sig, body = line:match("^(%S+) (%S+) (%S+)$")
      n = n + 1
      requests[n] = wrk.format("POST", nil, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Slack-Request-Timestamp"] = ts,
        ["X-Slack-Signature"] = sig,
      }, body)
    end
    line_no = line_no + 1
  end
  i = 0
end

function request()
  i = i % n + 1
  return requests[i]
end

function done(summary, latency, _)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.1f requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
