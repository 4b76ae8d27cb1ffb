-- wrk script of scripts/bench-serve-sut.sh: the app's side of an order on keep-alive connections.
-- Odd requests of each thread create an order (an id of the thread's own); even ones apply pay for
-- the order created LAG orders earlier — long done, whichever connection carried it — which makes
-- serve-sut insert a payment and create its trade at the channel (the first LAG even requests
-- ask /health instead). done() prints one machine-readable line for the script.
local lag = 1000
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  counter = 0
end

-- wrk calls request() once before the run to check what it will send (script_verify_request in
-- wrk.c) and never sends that one: it must not use up an order id, or the pay for that order, LAG
-- orders later, is a 404 (the one non-2xx answer every run used to have).
local verified = false

function request()
  if not verified then
    verified = true
    return wrk.format("GET", "/health")
  end
  counter = counter + 1
  local n = math.floor((counter + 1) / 2)
  if counter % 2 == 1 then
    return wrk.format("POST", "/v1/orders", {["Content-Type"] = "application/json"},
                      string.format('{"order_id":%d,"amount_minor":1000}', id * 100000000 + n))
  end
  if n <= lag then return wrk.format("GET", "/health") end
  return wrk.format("POST", string.format("/v1/orders/%d/pay", id * 100000000 + n - lag),
                    {["Content-Type"] = "application/json"}, "{}")
end

dofile("bench/live/result.lua")

function done(summary, latency, requests)
  print_result(summary, latency, function(rps) return string.format(" orders_per_s=%.0f", rps / 2) end)
end
