-- wrk script: rotates through search and listing queries that regen serve
-- answers from the search index (serve/query), so the cache of one query
-- does not flatter the figure. Usage (see README.md next to this file):
--   wrk -t2 -c16 -d30s --latency -s queries.lua http://127.0.0.1:8080
local paths = {
  "/v1/modules/search?q=vpc",
  "/v1/modules/search?q=network&limit=20",
  "/v1/modules/search?q=aws&provider=aws",
  "/v1/modules/search?q=key&offset=10",
  "/v1/modules/search?q=vpc&namespace=acm-rds",
  "/v1/modules/search?q=cluster&verified=true",
  "/v1/modules/search?q=dns",
  "/v1/modules/search?q=storage&limit=5",
  "/v1/modules?offset=40&limit=20",
  "/v1/modules?provider=google&offset=10",
  "/v1/modules?verified=true",
  "/v1/modules/acm-rds?offset=10",
  "/v1/providers?offset=30",
  "/v1/modules?offset=24000",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
