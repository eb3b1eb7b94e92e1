-- Vote and unvote as many signed-in users, the way the idea page's htmx button posts.
-- wrk ... -s vote_toggle.lua URL -- POOL_FILE THREADS
-- POOL_FILE (written by bench/load.py): the product slug on line 1, idea ids separated by
-- spaces on line 2, then one "session_key csrf_token" per user. Each wrk thread takes its
-- own share of the users, so no two threads toggle the same (user, idea) pair.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local slug, ideas, users, voted = nil, {}, {}, {}

function init(args)
  local threads = tonumber(args[2]) or 1
  local file = assert(io.open(args[1], "r"))
  slug = file:read("*l")
  for idea in file:read("*l"):gmatch("%d+") do
    ideas[#ideas + 1] = idea
  end
  local n = 0
  for line in file:lines() do
    local session, csrf = line:match("^(%S+) (%S+)$")
    if session and n % threads == id then
      users[#users + 1] = {
        n = n,
        headers = {
          ["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. csrf,
          ["X-CSRFToken"] = csrf,
          ["HX-Request"] = "true",
          ["Content-Type"] = "application/x-www-form-urlencoded",
        },
      }
    end
    n = n + 1
  end
  file:close()
  math.randomseed(os.time() + 7919 * id)
end

function request()
  local user = users[math.random(#users)]
  local idea = ideas[math.random(#ideas)]
  local key = user.n .. ":" .. idea
  local action = voted[key] and "unvote" or "vote"
  voted[key] = not voted[key]
  return wrk.format("POST", "/p/" .. slug .. "/ideas/" .. idea .. "/vote/", user.headers,
    "action=" .. action)
end
