-- The benchmark dataset, generated inside PostgreSQL (psql -v ON_ERROR_STOP=1 -f, after the
-- gateway's `migrate`). Deterministic: every value is a function of the row number through
-- hashint8 (no random()), so the same sizes always give the same rows.
--
-- psql variables: n_integrations n_runs n_records n_errors n_responses n_docs m2_first m2_count
--   runs m2_first .. m2_first+m2_count-1 are `running` (M2 moves them: pause ⇄ run);
--   history record k belongs to document d = h(k) mod n_docs: type DOCUMENT_TYPES[d mod 31],
--   id 1000 + d / 31 (bench/wrk/bench.lua picks documents the same way).

\set ON_ERROR_STOP 1
\timing off
SET client_min_messages = warning;
SET maintenance_work_mem = '512MB';
SET work_mem = '256MB';
SET max_parallel_maintenance_workers = 2;
SET jit = off;

-- A uniform hash of (row number, salt) in [0, 2^32).
CREATE FUNCTION pg_temp.h(i bigint, salt int) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT hashint8(i * 1009 + salt)::bigint + 2147483648 $$;

CREATE FUNCTION pg_temp.base() RETURNS timestamptz
  LANGUAGE sql IMMUTABLE AS $$ SELECT timestamptz '2026-11-01 00:00:00+00' $$;

-- Runs are spread over the 365 days before base(), in id order, with a little jitter.
CREATE FUNCTION pg_temp.run_created(r bigint, n_runs bigint) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE AS $$
    SELECT pg_temp.base() - (n_runs - r) * (interval '365 days' / n_runs)
           + (pg_temp.h(r, 1) % 60) * interval '1 second' $$;

CREATE FUNCTION pg_temp.run_integration(r bigint, n_int bigint) RETURNS int
  LANGUAGE sql IMMUTABLE AS $$ SELECT (1 + pg_temp.h(r, 2) % n_int)::int $$;

CREATE FUNCTION pg_temp.run_status(r bigint, n_runs bigint, m2_first bigint, m2_count bigint) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
      WHEN r >= m2_first AND r < m2_first + m2_count THEN 'running'
      WHEN pg_temp.h(r, 3) % 100 < 80 THEN 'successful'
      WHEN pg_temp.h(r, 3) % 100 < 92 THEN 'failed'
      WHEN pg_temp.h(r, 3) % 100 < 95 THEN 'running'
      WHEN pg_temp.h(r, 3) % 100 < 98 THEN 'paused'
      ELSE 'pending' END $$;

CREATE TEMP TABLE doc_types (n int PRIMARY KEY, name text NOT NULL);
INSERT INTO doc_types SELECT ord - 1, t FROM unnest(ARRAY[
  'ExternalOrderHeader', 'OrderHeader', 'InventoryTransaction', 'InvoiceHeader', 'ExpenseReport',
  'RequisitionHeader', 'Account', 'Supplier', 'User', 'Address', 'RemitToAddress', 'Contract',
  'ExchangeRate', 'Invoice', 'Requisition', 'Payment', 'ApprovalChain', 'LookupValue', 'Item',
  'SupplierInformation', 'Asn::Header', 'AccountValidationRule', 'ContingentWorkOrderHeader',
  'Payables::External::Payable', 'Charge', 'Payables::Invoice', 'Payables::Expense',
  'CoupaPay::Payment', 'CoupaPay::Statement', 'ReceiptRequest', 'InventoryRequestHeader'])
  WITH ORDINALITY AS x(t, ord);

-- The generated rows refer to each other by joins on the tables already written (a record takes
-- its integration and its time from its run), which also keeps the SQL functions above simple
-- enough for the planner to inline them.

-- Bulk load: drop the secondary indexes (rebuilt afterwards, faster than maintained row by row)
-- and skip the foreign-key triggers (every reference is valid by construction; the CHECK
-- constraints still apply).
CREATE TEMP TABLE saved_indexes AS
  SELECT i.indexname, i.indexdef FROM pg_indexes i
  WHERE i.schemaname = 'public'
    AND i.tablename IN ('integrations', 'integration_runs', 'integration_errors',
                        'integration_history_records', 'integration_record_responses')
    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT indexname FROM saved_indexes LOOP EXECUTE format('DROP INDEX %I', r.indexname); END LOOP;
END $$;
SET session_replication_role = replica;

BEGIN;

INSERT INTO users (id, name, kind, created_at) VALUES
  (1, 'local', 'user', pg_temp.base() - interval '400 days'),
  (2, 'alice', 'user', pg_temp.base() - interval '399 days'),
  (3, 'bob', 'user', pg_temp.base() - interval '398 days'),
  (4, 'erp-connector', 'api_client', pg_temp.base() - interval '397 days'),
  (5, 'sftp-loader', 'api_client', pg_temp.base() - interval '396 days');

INSERT INTO integrations (id, code, name, business_object, direction, end_system, end_system_type,
                          integration_type, standard, created_at, updated_at, created_by_id, updated_by_id)
SELECT i,
       'INT-' || lpad(i::text, 3, '0'),
       bo || CASE WHEN dir = 'to_coupa' THEN ' from ' ELSE ' to ' END || es || ' #' || i,
       bo, dir, es, est,
       (ARRAY['flat_file', 'api', 'corporate_credit_card_file', 'json', 'xml', 'original_format', NULL])[1 + i % 7],
       i % 4 = 0,
       pg_temp.base() - interval '390 days' + i * interval '1 hour',
       pg_temp.base() - interval '30 days' + i * interval '1 hour',
       1 + i % 5, 1 + (i + 1) % 5
FROM generate_series(1, :n_integrations) AS i,
LATERAL (SELECT
  (ARRAY['Invoice', 'PurchaseOrder', 'Supplier', 'ExpenseReport', 'Payment', 'Contract', 'Item', 'Requisition'])[1 + i % 8] AS bo,
  (ARRAY['to_coupa', 'from_coupa'])[1 + i % 2] AS dir,
  (ARRAY['SAP S/4HANA', 'Oracle EBS', 'Workday', 'ADP', 'NetSuite', 'Amex', 'SFTP drop'])[1 + i % 7] AS es,
  (ARRAY['internal', 'payroll', 'erp', 'hr', 'third_party_partner', 'third_party_vendor', 'other'])[1 + (i / 7) % 7] AS est
) AS x;

INSERT INTO integration_runs (id, integration_id, flow, status, start_time, end_time, total_records,
                              records_processed, max_updated_at, created_at, updated_at,
                              created_by_id, updated_by_id)
SELECT r,
       pg_temp.run_integration(r, :n_integrations),
       CASE WHEN pg_temp.h(r, 4) % 4 = 0 THEN NULL
            ELSE json_build_object('steps', json_build_array('extract', 'transform', 'load'),
                                   'batch', r, 'source', 'sftp://inbound/batch_' || r || '.csv') END,
       st,
       CASE WHEN st = 'pending' THEN NULL ELSE ca + interval '1 minute' END,
       CASE WHEN st IN ('successful', 'failed') THEN ca + interval '1 minute' + (pg_temp.h(r, 5) % 3600) * interval '1 second' END,
       tot,
       CASE st WHEN 'successful' THEN tot WHEN 'pending' THEN 0 ELSE tot * (pg_temp.h(r, 7) % 100) / 100 END,
       CASE WHEN st = 'successful' AND pg_temp.h(r, 8) % 10 = 0 THEN ca END,
       ca,
       ca + interval '1 minute' + (pg_temp.h(r, 5) % 3600) * interval '1 second',
       1 + pg_temp.h(r, 9) % 5, 1 + pg_temp.h(r, 9) % 5
FROM generate_series(1, :n_runs) AS r,
LATERAL (SELECT pg_temp.run_created(r, :n_runs) AS ca,
                pg_temp.run_status(r, :n_runs, :m2_first, :m2_count) AS st,
                (pg_temp.h(r, 6) % 500)::int AS tot) AS x;

-- Errors: spread over the runs (about n_errors / n_runs each); those of successful runs are
-- resolved (an unresolved error blocks success), the others half and half.
INSERT INTO integration_errors (id, integration_run_id, integration_id, contact_alert_type, document_type,
                                document_id, document_revision, document_status, creation_method,
                                external_id, integration_filename, resolved, status,
                                created_at, updated_at, created_by_id, updated_by_id)
SELECT e, r.id, r.integration_id,
       (ARRAY['Technical', 'Functional', 'Both'])[1 + pg_temp.h(e, 11) % 3],
       CASE WHEN pg_temp.h(e, 12) % 10 = 0 THEN NULL ELSE dt.name END,
       CASE WHEN pg_temp.h(e, 12) % 10 = 0 THEN NULL ELSE (1000 + pg_temp.h(e, 14) % 20000)::int END,
       (1 + pg_temp.h(e, 15) % 3)::int,
       (ARRAY['draft', 'pending_approval', 'approved', 'rejected'])[1 + pg_temp.h(e, 16) % 4],
       (ARRAY['api', 'flat_file', 'ui'])[1 + pg_temp.h(e, 17) % 3],
       'ERR-' || e,
       CASE WHEN pg_temp.h(e, 18) % 2 = 0 THEN 'batch_' || r.id || '.csv' END,
       CASE WHEN r.status = 'successful' THEN true ELSE pg_temp.h(e, 19) % 2 = 0 END,
       'Error',
       r.created_at + (90 + pg_temp.h(e, 10) % 3000) * interval '1 second',
       r.created_at + (90 + pg_temp.h(e, 10) % 3000) * interval '1 second',
       1 + pg_temp.h(e, 9) % 5, 1 + pg_temp.h(e, 9) % 5
FROM generate_series(1, :n_errors) AS e
CROSS JOIN LATERAL (SELECT (1 + pg_temp.h(e, 10) % :n_runs)::int AS run_id,
                           (pg_temp.h(e, 13) % 19)::int AS type_n) AS x
JOIN integration_runs r ON r.id = x.run_id
JOIN doc_types dt ON dt.n = x.type_n
ORDER BY e;

-- History records: about 10 per run and about 4 per document; a quarter are open (resolved = false).
INSERT INTO integration_history_records (id, contact_alert_type, document_type, document_id,
                                         document_revision, document_status, creation_method,
                                         external_id, integration_id, integration_run_id,
                                         integration_filename, resolved, status,
                                         created_at, updated_at, created_by_id, updated_by_id)
SELECT k,
       (ARRAY['Technical', 'Functional', 'Both'])[1 + pg_temp.h(k, 23) % 3],
       dt.name,
       (1000 + x.d / 31)::int,
       (1 + pg_temp.h(k, 25) % 3)::int,
       (ARRAY['draft', 'issued', 'approved', 'pending_receipt', 'paid'])[1 + pg_temp.h(k, 26) % 5],
       (ARRAY['api', 'flat_file', 'ui'])[1 + pg_temp.h(k, 27) % 3],
       'EXT-' || x.d || '-' || (pg_temp.h(k, 25) % 3),
       r.integration_id,
       r.id,
       CASE WHEN pg_temp.h(k, 28) % 2 = 0 THEN 'batch_' || r.id || '.csv' END,
       NOT x.open,
       CASE WHEN x.open OR pg_temp.h(k, 29) % 10 = 0 THEN 'Error' ELSE 'Success' END,
       r.created_at + (60 + pg_temp.h(k, 24) % 3600) * interval '1 second',
       r.created_at + (60 + pg_temp.h(k, 24) % 3600) * interval '1 second'
         + CASE WHEN x.open THEN interval '0' ELSE interval '2 hours' END,
       1 + pg_temp.h(k, 9) % 5, 1 + pg_temp.h(k, 9) % 5
FROM generate_series(1, :n_records) AS k
CROSS JOIN LATERAL (SELECT pg_temp.h(k, 21) % :n_docs AS d,
                           (1 + pg_temp.h(k, 20) % :n_runs)::int AS run_id,
                           pg_temp.h(k, 22) % 100 < 25 AS open) AS x
JOIN integration_runs r ON r.id = x.run_id
JOIN doc_types dt ON dt.n = (x.d % 31)::int
ORDER BY k;

-- Responses: nine in ten on history records (about 0.9 per record), one in ten on errors.
INSERT INTO integration_record_responses (id, integration_history_record_id, integration_error_id,
                                          response_code, response_message,
                                          created_at, updated_at, created_by_id, updated_by_id)
SELECT j, x.rec, x.err, x.code,
       CASE x.code WHEN '200' THEN 'OK' WHEN '201' THEN 'Created'
                   WHEN '400' THEN 'Bad request: field ' || (ARRAY['supplier', 'amount', 'currency', 'account'])[1 + pg_temp.h(j, 33) % 4] || ' is invalid'
                   WHEN '404' THEN 'Document not found in the external system'
                   WHEN '422' THEN 'Validation failed: duplicate external id'
                   ELSE 'Internal error at the end system; retry later' END,
       coalesce(h.created_at, er.created_at) + interval '5 seconds',
       coalesce(h.created_at, er.created_at) + interval '5 seconds',
       1 + pg_temp.h(j, 9) % 5, 1 + pg_temp.h(j, 9) % 5
FROM generate_series(1, :n_responses) AS j
CROSS JOIN LATERAL (SELECT CASE WHEN j % 10 = 0 THEN NULL ELSE (1 + pg_temp.h(j, 31) % :n_records)::int END AS rec,
                           CASE WHEN j % 10 = 0 THEN (1 + pg_temp.h(j, 30) % :n_errors)::int END AS err,
                           (ARRAY['200', '200', '200', '201', '400', '404', '422', '500'])[1 + pg_temp.h(j, 32) % 8] AS code) AS x
LEFT JOIN integration_history_records h ON h.id = x.rec
LEFT JOIN integration_errors er ON er.id = x.err
ORDER BY j;

COMMIT;

SET session_replication_role = DEFAULT;

DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT indexdef FROM saved_indexes LOOP EXECUTE r.indexdef; END LOOP;
END $$;

-- The serial sequences continue after the generated ids.
DO $$ DECLARE t text; m bigint; BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'integrations', 'integration_runs', 'integration_errors',
                           'integration_history_records', 'integration_record_responses'] LOOP
    EXECUTE format('SELECT coalesce(max(id), 0) FROM %I', t) INTO m;
    PERFORM setval(pg_get_serial_sequence(t, 'id'), m + 1, false);
  END LOOP;
END $$;

VACUUM ANALYZE;
