-- wrk script for scripts/bench-subscribe: form POSTs to /subscribe, each from its own client
-- address (X-Forwarded-For through the trusted proxy 127.0.0.1, so the per-client mail share
-- never refuses) and, by the first argument:
--   new         a new address every request (a pending row, a token and a queued mail each);
--   subscribed  addresses sub-0 … sub-(N-1)@example.net, imported as subscribed beforehand
--               (N = the second argument): the enumeration check's other side.
local counter = 0
local mode, n, tag = "new", 1, "0"

function setup(thread)
  thread:set("tag", tostring(math.random(1, 1000000000)))
end

function init(args)
  mode = args[1] or "new"
  n = tonumber(args[2] or "1")
end

request = function()
  counter = counter + 1
  local email
  if mode == "subscribed" then
    email = "sub-" .. (counter % n) .. "%40example.net"
  else
    email = "new-" .. tag .. "-" .. counter .. "%40example.net"
  end
  local ip = string.format("10.%d.%d.%d", math.floor(counter / 65536) % 256, math.floor(counter / 256) % 256, counter % 256)
  local body = "email=" .. email .. "&lang=en&source=%2Fsubscribe%2F"
  return wrk.format("POST", "/subscribe", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = ip,
  }, body)
end
