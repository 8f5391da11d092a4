-- wrk script for bench/signoff_load.py's page runs: wrk sends its own static request (the cheapest
-- driver); this only prints the figures in a form the Python side reads.
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT ok=%d bad=%d span_us=%d errors=%d\n",
    summary.requests - errors.status, errors.status, summary.duration,
    errors.connect + errors.read + errors.write + errors.timeout))
  io.write(string.format("LATENCY p50=%d p99=%d max=%d\n", latency:percentile(50),
    latency:percentile(99), latency.max))
  io.write(string.format("ERRORS connect=%d read=%d write=%d timeout=%d\n", summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write("BAD \n")
end
