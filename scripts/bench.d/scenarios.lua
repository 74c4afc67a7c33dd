-- wrk script of scripts/bench: one file for every scenario, chosen by the first argument.
--
--   wrk ... -s scenarios.lua URL -- SCENARIO DATADIR PHASE KEY
--
-- SCENARIO names what each request does (see `builders` below). DATADIR holds the files that
-- scripts/bench.d/prepare.py wrote from the seed manifest. PHASE ("warmup" or "measure") keeps
-- the fresh contacts, order ids and member tokens of the warm-up apart from the measured run's.
-- KEY is the admin API key.
--
-- Every answer that is not 2xx counts as an error. done() prints one line of JSON that the
-- bench's report reads: requests per second, latency percentiles (microseconds) and errors.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local scenario, datadir, phase, key
local nthreads = 1
local counter = 0
wrapped = 0   -- globals: done() reads them with thread:get
non2xx = 0
sample = ""

local function split(line)
  local fields = {}
  for field in string.gmatch(line, "[^\t]+") do table.insert(fields, field) end
  return fields
end

-- Lines of DATADIR/name, each split on tabs; with `stride`, only this thread's share.
local function load(name, stride)
  local rows = {}
  local file = assert(io.open(datadir .. "/" .. name, "r"), "missing " .. name)
  local index = 0
  for line in file:lines() do
    if line ~= "" then
      if not stride or index % nthreads == tid then table.insert(rows, split(line)) end
      index = index + 1
    end
  end
  file:close()
  return rows
end

local digits = 6
local sites = {}   -- {site, index, referringCustomers, referredFriends, actions, activeFriends}

local function padded(number)
  return string.format("%0" .. digits .. "d", number)
end

local function random_site()
  return sites[math.random(#sites)]
end

local function admin(site, extra)
  local headers = { ["Authorization"] = key, ["wix-site-id"] = site[1] }
  if extra then headers["Content-Type"] = "application/json" end
  return headers
end

local samples, tokens, fresh

local builders = {
  healthz = function()
    return wrk.format("GET", "/healthz")
  end,
  program = function()
    return wrk.format("GET", "/_api/referral-programs/v1/program", admin(random_site()))
  end,
  by_code = function()
    local row = samples[math.random(#samples)]
    return wrk.format("GET", "/v1/referring-customers/code/" .. row[3], admin({ row[1] }))
  end,
  friend_by_contact = function()
    local site = random_site()
    local contact = "s" .. site[2] .. "-f-" .. padded(math.random(0, site[4] - 1))
    return wrk.format("GET", "/v1/referred-friends/contact/" .. contact, admin(site))
  end,
  query_friends = function()
    local row = samples[math.random(#samples)]
    local body = '{"query":{"filter":{"referringCustomerId":{"$eq":"' .. row[4] .. '"}},'
      .. '"sort":[{"fieldName":"createdDate","order":"DESC"}],"cursorPaging":{"limit":50}}}'
    return wrk.format("POST", "/v1/referred-friends/query", admin({ row[1] }, true), body)
  end,
  statistics = function()
    return wrk.format("GET", "/_api/referral-tracker/v1/referral-statistics", admin(random_site()))
  end,
  generate_existing = function()
    local site = random_site()
    local contact = "s" .. site[2] .. "-rc-" .. padded(math.random(0, site[3] - 1))
    return wrk.format("POST", "/v1/referring-customers", admin(site, true), '{"contactId":"' .. contact .. '"}')
  end,
  generate_new = function()
    counter = counter + 1
    local site = random_site()
    local contact = "bench-" .. phase .. "-t" .. tid .. "-" .. counter
    return wrk.format("POST", "/v1/referring-customers", admin(site, true), '{"contactId":"' .. contact .. '"}')
  end,
  friend_new_member = function()
    counter = counter + 1
    if counter > #tokens then counter = 1; wrapped = wrapped + 1 end
    local row = tokens[counter]   -- site, token, code
    local headers = { ["Authorization"] = "Bearer " .. row[2], ["wix-site-id"] = row[1], ["Content-Type"] = "application/json" }
    return wrk.format("POST", "/v1/referred-friends", headers, '{"referralCode":"' .. row[3] .. '"}')
  end,
  order_new = function()
    counter = counter + 1
    if counter > #fresh then counter = 1; wrapped = wrapped + 1 end
    local row = fresh[counter]   -- site, friend contact
    local body = '{"referralEvent":{"actionEvent":{"contactId":"' .. row[2] .. '",'
      .. '"trigger":{"appId":"stores","activityType":"STORE_ORDER_PLACED"},"amount":"49.90","currency":"USD",'
      .. '"orderId":"bench-' .. phase .. "-t" .. tid .. "-" .. counter .. "-" .. wrapped .. '"}}}'
    return wrk.format("POST", "/v1/referral-events", admin({ row[1] }, true), body)
  end,
  order_repeated = function()
    local site = random_site()
    local k = math.random(0, site[5] - 1)
    local body = '{"referralEvent":{"actionEvent":{"contactId":"s' .. site[2] .. "-f-" .. padded(k % site[6]) .. '",'
      .. '"trigger":{"appId":"stores","activityType":"STORE_ORDER_PLACED"},"amount":"49.90","currency":"USD",'
      .. '"orderId":"s' .. site[2] .. "-o-" .. padded(k) .. '"}}}'
    return wrk.format("POST", "/v1/referral-events", admin(site, true), body)
  end,
}

local build

function init(args)
  scenario, datadir, phase, key = args[1], args[2], args[3], args[4]
  nthreads = tonumber(args[5]) or 1
  math.randomseed(os.time() * 1000 + tid * 7919)
  build = assert(builders[scenario], "unknown scenario " .. tostring(scenario))
  if scenario == "healthz" then return end
  for _, row in ipairs(load("sites.tsv")) do
    table.insert(sites, { row[1], tonumber(row[2]), tonumber(row[3]), tonumber(row[4]), tonumber(row[5]), tonumber(row[6]) })
  end
  digits = tonumber(load("digits.txt")[1][1])
  if scenario == "by_code" or scenario == "query_friends" then samples = load("samples.tsv") end
  if scenario == "friend_new_member" then tokens = load("tokens-" .. phase .. ".tsv", true) end
  if scenario == "order_new" then fresh = load("fresh-" .. phase .. ".tsv", true) end
end

function request()
  return build()
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if #sample < 600 then sample = sample .. status .. " " .. string.sub(body or "", 1, 200) .. " | " end
  end
end

function done(summary, latency, requests)
  local errors, wraps, samples_text = 0, 0, ""
  for _, thread in ipairs(threads) do
    errors = errors + (thread:get("non2xx") or 0)
    wraps = wraps + (thread:get("wrapped") or 0)
    samples_text = samples_text .. (thread:get("sample") or "")
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50":%d,"p90":%d,"p99":%d,"mean":%.1f,"max":%d,'
      .. '"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"wrapped":%d,"sample":"%s"}\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max, errors, e.connect, e.read, e.write, e.timeout, wraps,
    (string.gsub(samples_text, '[%c"\\]', " "))))
end
