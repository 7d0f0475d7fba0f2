-- Final submission: POST /a/<token>/submit with the form's csrf_token, each request a different attempt
-- (all answers already saved), answered by a 303 to the result page.
request = function()
  local n = #pool
  local a = pool[(issued % n) + 1]
  if issued >= n then wrapped = wrapped + 1 end
  issued = issued + 1
  return wrk.format("POST", "/a/" .. a.token .. "/submit",
    {["Cookie"] = "ceyice_session=" .. a.cookie, ["Content-Type"] = "application/x-www-form-urlencoded"},
    "csrf_token=" .. a.csrf)
end
