-- Shared by the bench's wrk scripts (prepended by harness.run_wrk, not loaded on its own).
-- args: <pool file> [slug]. Each line of the pool file: token cookie csrf kinds options
-- (kinds: one letter per question s|m|t|f; options: option counts joined by ','), one open attempt each.
-- Every wrk thread takes every n-th line, so threads never share an attempt.
threads = {}
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

pool = {}
issued = 0
wrapped = 0

function load_pool(path, nthreads)
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == tid then
      local token, cookie, csrf, kinds, options = line:match("^(%S+) (%S+) (%S+) (%S+) (%S+)$")
      local counts = {}
      for n in options:gmatch("%d+") do table.insert(counts, tonumber(n)) end
      table.insert(pool, {token = token, cookie = cookie, csrf = csrf, kinds = kinds, options = counts})
    end
    i = i + 1
  end
end

function init(args)
  load_pool(args[1], tonumber(args[2]))
  slug = args[3]
end
