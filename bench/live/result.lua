-- The one machine-readable line the live-mode wrk scripts print at the end (read with dofile from
-- the repository root, where scripts/bench-*.sh run wrk): `extra` names more fields, from the
-- requests per second.
function print_result(summary, latency, extra)
  local seconds = summary.duration / 1e6
  local rps = summary.requests / seconds
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.timeout + summary.errors.status
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.0f%s p50_ms=%.3f p99_ms=%.3f " ..
                         "max_ms=%.3f errors=%d non2xx=%d\n",
                         summary.requests, seconds, rps, extra and extra(rps) or "",
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000,
                         latency.max / 1000, errors, summary.errors.status))
end
