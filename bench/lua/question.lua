-- Quiz page: GET /a/<token>/q/<n>, rotating attempts and question numbers.
request = function()
  local n = #pool
  local a = pool[(issued % n) + 1]
  local number = (math.floor(issued / n) % #a.kinds) + 1
  issued = issued + 1
  return wrk.format("GET", "/a/" .. a.token .. "/q/" .. number, {["Cookie"] = "ceyice_session=" .. a.cookie})
end
