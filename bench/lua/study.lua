-- Study page: GET /c/<slug>/study (the report by section; each visit opens a study session row).
request = function()
  local a = pool[(issued % #pool) + 1]
  issued = issued + 1
  return wrk.format("GET", "/c/" .. slug .. "/study", {["Cookie"] = "ceyice_session=" .. a.cookie})
end
