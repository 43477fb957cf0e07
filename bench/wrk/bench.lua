-- wrk script of bench/run: builds the POST body of every request for one system and one workload,
-- varies the ids per request (seeded per thread, so runs are repeatable), counts responses that
-- carry GraphQL "errors", and prints one `BENCH_RESULT {json}` line at the end.
--
-- Configured by environment variables (bench/run sets them):
--   BENCH_SYSTEM      ours | postgraphile | baseline
--   BENCH_WORKLOAD    Q1 Q1N Q2 Q3 Q4 M1 M2 M3 M4 PAGE_FIRST PAGE_LAST PAGE_AFTER PAGE_OFFSET
--   BENCH_N_INTEGRATIONS, BENCH_N_RUNS, BENCH_N_DOCS, BENCH_N_RECORDS   dataset sizes
--   BENCH_M2_FIRST, BENCH_M2_COUNT   the runs M2 moves (all `running` when a cell starts)
--   BENCH_PAGE        page size of Q2 (default 50)
--   BENCH_CURSOR      the `after` cursor of PAGE_AFTER
--   BENCH_AUTH        optional value of an Authorization header

local system = os.getenv("BENCH_SYSTEM") or "ours"
local workload = os.getenv("BENCH_WORKLOAD") or "Q1"
local n_int = tonumber(os.getenv("BENCH_N_INTEGRATIONS") or "50")
local n_runs = tonumber(os.getenv("BENCH_N_RUNS") or "100000")
local n_docs = tonumber(os.getenv("BENCH_N_DOCS") or "250000")
local n_records = tonumber(os.getenv("BENCH_N_RECORDS") or "1000000")
local m2_first = tonumber(os.getenv("BENCH_M2_FIRST") or "1")
local m2_count = tonumber(os.getenv("BENCH_M2_COUNT") or "1000")
local page = tonumber(os.getenv("BENCH_PAGE") or "50")
local cursor = os.getenv("BENCH_CURSOR") or ""
local auth = os.getenv("BENCH_AUTH") or ""

-- The stored document types (DOCUMENT_TYPES in migration/src/enums.rs) and their GraphQL names.
local doc_types = {
  "ExternalOrderHeader", "OrderHeader", "InventoryTransaction", "InvoiceHeader", "ExpenseReport",
  "RequisitionHeader", "Account", "Supplier", "User", "Address", "RemitToAddress", "Contract",
  "ExchangeRate", "Invoice", "Requisition", "Payment", "ApprovalChain", "LookupValue", "Item",
  "SupplierInformation", "Asn::Header", "AccountValidationRule", "ContingentWorkOrderHeader",
  "Payables::External::Payable", "Charge", "Payables::Invoice", "Payables::Expense",
  "CoupaPay::Payment", "CoupaPay::Statement", "ReceiptRequest", "InventoryRequestHeader",
}
local function gql_enum(s)
  s = s:gsub("::", "_")
  s = s:gsub("(%l)(%u)", "%1_%2")
  return s:upper()
end
local doc_enums = {}
for i, t in ipairs(doc_types) do doc_enums[i] = gql_enum(t) end

-- A document as bench/sql/dataset.sql makes them: document d has type d % 31, id 1000 + d / 31.
local function document(d)
  return (d % 31) + 1, 1000 + math.floor(d / 31)
end

local function json_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\n', '\\n') .. '"'
end

-- Set while a "…N" workload builds its body: appended to the query text as a comment.
local new_doc_tag = nil
-- The body's constant head (`{"query":"…","variables":`) per document text: a client encodes its
-- operations once, not per request, and escaping the text anew every time cost wrk more CPU per
-- request than some of the servers it measures (on a shared machine, CPU taken from them).
local heads = {}
local function gql(query, variables)
  if new_doc_tag then
    -- A new text every time: not kept.
    return '{"query":' .. json_string(query .. new_doc_tag) .. ',"variables":' .. variables .. '}'
  end
  local head = heads[query]
  if not head then
    head = '{"query":' .. json_string(query) .. ',"variables":'
    heads[query] = head
  end
  return head .. variables .. '}'
end

-- ---- the operations --------------------------------------------------------------------------
local Q = {}
Q.ours = {
  Q1 = "query Q1($id: Int!) { integrationRun(id: $id) { id status startTime endTime totalRecords recordsProcessed integrationId createdAt updatedAt } }",
  Q2 = "query Q2($integrationId: Int!, $first: Int!) { integrationRuns(filter: {integrationId: {eq: $integrationId}}, orderBy: {field: CREATED_AT, direction: DESC}, first: $first) { nodes { id status startTime endTime totalRecords recordsProcessed createdAt integration { id code name direction endSystemType } integrationErrors(first: 10) { nodes { id contactAlertType documentType documentId resolved status } } } pageInfo { hasNextPage endCursor } } }",
  Q3 = "query Q3($documentType: DocumentType!, $documentId: Int!) { integrationHistoryRecords(filter: {resolved: {eq: false}, documentType: {eq: $documentType}, documentId: {eq: $documentId}}, first: 50) { nodes { id documentType documentId status resolved integrationRunId createdAt } } }",
  Q4 = "query Q4($integrationId: Int!) { integrationRuns(filter: {integrationId: {eq: $integrationId}}, orderBy: {field: CREATED_AT, direction: DESC}, first: 20) { nodes { id status historyRecords(first: 10) { nodes { id documentType documentId status responses { id responseCode responseMessage } } } } } }",
  M1 = "mutation M1($input: NewHistoryRecordInput!) { createIntegrationHistoryRecord(input: $input) { id documentType documentId resolved status integrationRunId createdAt } }",
  M2_pause = "mutation M2($id: Int!) { pauseIntegrationRun(id: $id) { id status startTime endTime updatedAt } }",
  M2_run = "mutation M2($id: Int!) { runIntegrationRun(id: $id) { id status startTime endTime updatedAt } }",
  M3 = "mutation M3($inputs: [NewHistoryRecordInput!]!) { createIntegrationHistoryRecords(inputs: $inputs) { id documentType documentId resolved status integrationRunId createdAt } }",
  PAGE_FIRST = "{ integrationHistoryRecords(first: 50) { nodes { id documentType documentId status resolved createdAt } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
  PAGE_LAST = "{ integrationHistoryRecords(last: 50) { nodes { id documentType documentId status resolved createdAt } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
  PAGE_AFTER = "query P($after: String!) { integrationHistoryRecords(first: 50, after: $after) { nodes { id documentType documentId status resolved createdAt } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
  PAGE_OFFSET = "query P($offset: Int!) { integrationHistoryRecords(offset: $offset, limit: 50) { nodes { id documentType documentId status resolved createdAt } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
}
Q.postgraphile = {
  Q1 = "query Q1($id: Int!) { integrationRunById(id: $id) { id status startTime endTime totalRecords recordsProcessed integrationId createdAt updatedAt } }",
  Q2 = "query Q2($integrationId: Int!, $first: Int!) { allIntegrationRuns(condition: {integrationId: $integrationId}, orderBy: [CREATED_AT_DESC, ID_DESC], first: $first) { nodes { id status startTime endTime totalRecords recordsProcessed createdAt integrationByIntegrationId { id code name direction endSystemType } integrationErrorsByIntegrationRunId(first: 10, orderBy: PRIMARY_KEY_ASC) { nodes { id contactAlertType documentType documentId resolved status } } } pageInfo { hasNextPage endCursor } } }",
  Q3 = "query Q3($documentType: String!, $documentId: Int!) { allIntegrationHistoryRecords(condition: {resolved: false, documentType: $documentType, documentId: $documentId}, orderBy: PRIMARY_KEY_ASC, first: 50) { nodes { id documentType documentId status resolved integrationRunId createdAt } } }",
  Q4 = "query Q4($integrationId: Int!) { allIntegrationRuns(condition: {integrationId: $integrationId}, orderBy: [CREATED_AT_DESC, ID_DESC], first: 20) { nodes { id status integrationHistoryRecordsByIntegrationRunId(first: 10, orderBy: PRIMARY_KEY_ASC) { nodes { id documentType documentId status integrationRecordResponsesByIntegrationHistoryRecordId(orderBy: PRIMARY_KEY_ASC) { nodes { id responseCode responseMessage } } } } } } }",
  M1 = "mutation M1($documentType: String!, $documentId: Int!, $runId: Int!) { createHistoryRecord(input: {alertType: \"Technical\", docType: $documentType, docId: $documentId, runId: $runId, recStatus: \"Success\", code: \"200\", message: \"OK\"}) { integrationHistoryRecord { id documentType documentId resolved status integrationRunId createdAt } } }",
  M2_pause = "mutation M2($id: Int!) { pauseIntegrationRun(input: {runId: $id}) { integrationRun { id status startTime endTime updatedAt } } }",
  M2_run = "mutation M2($id: Int!) { runIntegrationRun(input: {runId: $id}) { integrationRun { id status startTime endTime updatedAt } } }",
  M3 = "mutation M3($documentTypes: [String]!, $documentIds: [Int]!, $runIds: [Int]!) { createHistoryRecords(input: {alertType: \"Technical\", docTypes: $documentTypes, docIds: $documentIds, runIds: $runIds, recStatus: \"Success\", code: \"200\", message: \"OK\"}) { integrationHistoryRecords { id documentType documentId resolved status integrationRunId createdAt } } }",
  PAGE_FIRST = "{ allIntegrationHistoryRecords(first: 50, orderBy: PRIMARY_KEY_ASC) { nodes { id documentType documentId status resolved createdAt } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
  PAGE_LAST = "{ allIntegrationHistoryRecords(last: 50, orderBy: PRIMARY_KEY_ASC) { nodes { id documentType documentId status resolved createdAt } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
  PAGE_OFFSET = "query P($offset: Int!) { allIntegrationHistoryRecords(offset: $offset, first: 50, orderBy: PRIMARY_KEY_ASC) { nodes { id documentType documentId status resolved createdAt } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
}

local path = os.getenv("BENCH_PATH") or "/graphql"
local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
if auth ~= "" then headers["Authorization"] = auth end

-- ---- per-thread state --------------------------------------------------------------------------
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local counter = 0
local m2_slots = {}
gql_errors = 0
bad_status = 0
new_docs = 0

function init(args)
  tid = tid or 0
  math.randomseed(4242 + 7919 * tid)
  -- M2: this thread's share of the runs; the k-th request moves run k mod share, pausing on even
  -- passes and running on odd ones, so every transition is valid (running → paused → running).
  local threads_n = tonumber(os.getenv("BENCH_THREADS") or "1")
  for i = 0, m2_count - 1 do
    if i % threads_n == tid then table.insert(m2_slots, m2_first + i) end
  end
end

local function rnd(n) return math.random(1, n) end

function body_for()
  local w = workload
  -- Q1N, Q2N, Q4N, …: the workload with a document never seen before on every request (a
  -- numbered comment makes every text new): what the first request of a document costs.
  if w:sub(-1) == "N" and #w > 1 then
    new_docs = new_docs + 1
    new_doc_tag = string.format("\n# %d-%d", tid, new_docs)
    workload = w:sub(1, -2)
    local p, b = body_for()
    workload = w
    new_doc_tag = nil
    return p, b
  end
  local q = Q[system]
  if w == "Q1" then
    local v = string.format('{"id":%d}', rnd(n_runs))
    if system == "baseline" then return "/q1", v end
    return path, gql(q.Q1, v)

  elseif w == "Q2" then
    if system == "baseline" then
      return "/q2", string.format('{"integrationId":%d,"first":%d,"errorsFirst":10}', rnd(n_int), page)
    end
    return path, gql(q.Q2, string.format('{"integrationId":%d,"first":%d}', rnd(n_int), page))
  elseif w == "Q3" then
    local t, id = document(math.random(0, n_docs - 1))
    if system == "ours" then
      return path, gql(q.Q3, string.format('{"documentType":"%s","documentId":%d}', doc_enums[t], id))
    end
    local v = string.format('{"documentType":"%s","documentId":%d}', doc_types[t], id)
    if system == "baseline" then return "/q3", v end
    return path, gql(q.Q3, v)
  elseif w == "Q4" then
    if system == "baseline" then
      return "/q4", string.format('{"integrationId":%d,"first":20,"recordsFirst":10}', rnd(n_int))
    end
    return path, gql(q.Q4, string.format('{"integrationId":%d}', rnd(n_int)))
  elseif w == "M4" and system == "ours" then
    -- The vendor's REST create of a history record (PostGraphile and the baseline: M1's insert).
    local t, id = document(math.random(0, n_docs - 1))
    return "/api/integration_history_records", string.format('{"contact-alert-type":"Technical","document-type":"%s","document-id":%d,"integration-run-id":%d,"status":"Success","responses":[{"response-code":"200","response-message":"OK"}]}', doc_types[t], id, rnd(n_runs))
  elseif w == "M3" then
    -- A batch of 100 history records, each of a random document in a random run, with one response.
    local inputs, types, enums, ids, runs = {}, {}, {}, {}, {}
    for i = 1, 100 do
      local t, id = document(math.random(0, n_docs - 1))
      types[i], enums[i], ids[i], runs[i] = json_string(doc_types[t]), doc_enums[t], id, rnd(n_runs)
      inputs[i] = string.format('{"contactAlertType":"TECHNICAL","documentType":"%s","documentId":%d,"integrationRunId":%d,"status":"Success","responses":[{"responseCode":"200","responseMessage":"OK"}]}', enums[i], ids[i], runs[i])
    end
    if system == "ours" then
      return path, gql(q.M3, '{"inputs":[' .. table.concat(inputs, ",") .. ']}')
    end
    local v = string.format('{"documentTypes":[%s],"documentIds":[%s],"runIds":[%s]}',
      table.concat(types, ","), table.concat(ids, ","), table.concat(runs, ","))
    if system == "postgraphile" then return path, gql(q.M3, v) end
    return "/m3", v
  elseif w == "M1" or w == "M4" then
    local t, id = document(math.random(0, n_docs - 1))
    local run = rnd(n_runs)
    if system == "ours" then
      return path, gql(q.M1, string.format('{"input":{"contactAlertType":"TECHNICAL","documentType":"%s","documentId":%d,"integrationRunId":%d,"status":"Success","responses":[{"responseCode":"200","responseMessage":"OK"}]}}', doc_enums[t], id, run))
    elseif system == "postgraphile" then
      return path, gql(q.M1, string.format('{"documentType":"%s","documentId":%d,"runId":%d}', doc_types[t], id, run))
    end
    return "/m1", string.format('{"documentType":"%s","documentId":%d,"integrationRunId":%d,"contactAlertType":"Technical","status":"Success","responseCode":"200","responseMessage":"OK"}', doc_types[t], id, run)
  elseif w == "M2" then
    local n = #m2_slots
    local run = m2_slots[(counter % n) + 1]
    local pause = (math.floor(counter / n) % 2) == 0
    if system == "baseline" then
      return "/m2", string.format('{"id":%d,"action":"%s"}', run, pause and "pause" or "run")
    end
    return path, gql(pause and q.M2_pause or q.M2_run, string.format('{"id":%d}', run))
  elseif w == "PAGE_AFTER" then
    return path, gql(q.PAGE_AFTER, string.format('{"after":"%s"}', cursor))
  elseif w == "PAGE_OFFSET" then
    return path, gql(q.PAGE_OFFSET, string.format('{"offset":%d}', n_records - 50))
  else
    return path, gql(q[w], "{}")
  end
end

function request()
  local p, b = body_for()
  counter = counter + 1
  return wrk.format("POST", p, headers, b)
end

-- BENCH_SAMPLE: thread 0 writes its first response to that file and its first failed one to
-- FILE.err, for the record (bench/results/samples/).
local sample = os.getenv("BENCH_SAMPLE") or ""
local sampled, sampled_err = false, false
local function keep(path, status, body)
  local f = io.open(path, "w")
  if f then f:write(string.format("HTTP %d\n%s\n", status, body or "")); f:close() end
end

function response(status, hdrs, body)
  local failed = false
  -- M4's REST create answers 201 Created.
  if status ~= 200 and not (status == 201 and workload == "M4") then
    bad_status = bad_status + 1
    failed = true
  elseif body and string.find(body, '"errors"', 1, true) then
    gql_errors = gql_errors + 1
    failed = true
  end
  if sample ~= "" and tid == 0 then
    if not sampled then sampled = true; keep(sample, status, body) end
    if failed and not sampled_err then sampled_err = true; keep(sample .. ".err", status, body) end
  end
end

function done(summary, latency, requests)
  local ge, bs = 0, 0
  for _, t in ipairs(threads) do
    ge = ge + (t:get("gql_errors") or 0)
    bs = bs + (t:get("bad_status") or 0)
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"mean_ms":%.3f,"max_ms":%.3f,"socket_errors":%d,"non_200":%d,"graphql_errors":%d}\n',
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, bs, ge))
end
