-- Paces wrk (a closed-loop generator) to a target rate: each connection waits `delay` ms after a
-- response before its next request, so C connections offer at most C * 1000 / delay requests/s
-- (32 connections, 16 ms: 2,000/s). Latency is still measured per request from when it is sent.
-- Usage: wrk -t2 -c32 -d65s --latency -s benchmarks/wrk/pace.lua ... URL -- 16
local pause = 16
function init(args)
  if args[1] then pause = tonumber(args[1]) end
end
function delay()
  return pause
end
