-- wrk script of scripts/bench-live.sh: a create+query mix on keep-alive connections. Odd requests
-- of each connection's thread create a trade (a merchant order id of their own); even ones query
-- one of the trades created before the run (tr_1 .. tr_PAYSIM_BENCH_TRADES). Against nginx the
-- same requests get a static answer. done() prints one machine-readable line for the script.
local preloaded = tonumber(os.getenv("PAYSIM_BENCH_TRADES") or "1000")
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  math.randomseed(id)
end

function request()
  counter = counter + 1
  if counter % 2 == 1 then
    return wrk.format("POST", "/v1/trades", {["Content-Type"] = "application/json"},
                      string.format('{"merchant_order_id":"w%d-%d","amount_minor":1000}', id, counter))
  end
  return wrk.format("GET", "/v1/trades/tr_" .. math.random(preloaded))
end

dofile("bench/live/result.lua")

function done(summary, latency, requests)
  print_result(summary, latency)
end
