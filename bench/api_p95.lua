-- wrk script for bench/api_wrk.sh: GET the path in API_PATH; with API_MISS=1 each request adds a parameter the API
-- ignores (a new cache key), so every answer is computed, never served from the server cache. Prints p50/p95/p99.
local path = os.getenv("API_PATH")
local miss = os.getenv("API_MISS") == "1"
local counter = 0

request = function()
  counter = counter + 1
  local target = path
  if miss then
    target = path .. "&nocache=" .. math.random(1, 1000000000) .. "-" .. counter
  end
  return wrk.format("GET", target)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.1f %.1f %.1f %d\n", summary.requests, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
