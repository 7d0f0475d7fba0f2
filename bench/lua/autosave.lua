-- Autosave: POST /api/attempts/<token>/answers/<position> with JSON and X-CSRF-Token, as the page's script.
-- Consecutive requests go to different attempts; a (attempt, position) pair is hit once until the pool wraps.
local function response_for(kind, options)
  if kind == "s" then return tostring(math.random(0, options - 1)) end
  if kind == "m" then return "[0," .. tostring(math.random(1, options - 1)) .. "]" end
  if kind == "t" then return (math.random() < 0.5) and "true" or "false" end
  return "\"答案\""
end

request = function()
  local n = #pool
  local a = pool[(issued % n) + 1]
  local positions = #a.kinds
  local position = math.floor(issued / n) % positions
  if issued >= n * positions then wrapped = wrapped + 1 end
  issued = issued + 1
  local body = "{\"response\": " .. response_for(a.kinds:sub(position + 1, position + 1), a.options[position + 1]) .. "}"
  return wrk.format("POST", "/api/attempts/" .. a.token .. "/answers/" .. position,
    {["Cookie"] = "ceyice_session=" .. a.cookie, ["X-CSRF-Token"] = a.csrf,
     ["Content-Type"] = "application/json"}, body)
end
