-- What PostGraphile needs to offer the benchmark's mutations with the gateway's semantics: its
-- generated CRUD mutations know neither the run status machine nor the event outbox, so, as a
-- PostGraphile project would, we add them as functions in a schema of their own (bench_pg,
-- exposed next to public). Each does what the gateway does in its transaction: the change (for a
-- new record also its response and the document's export tracking row), the event_sequence bump,
-- the integration_events row and the NOTIFY.

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench_pg CASCADE;
CREATE SCHEMA bench_pg;

-- M1: createHistoryRecord(input: {alertType, docType, docId, runId, recStatus, code, message})
CREATE FUNCTION bench_pg.create_history_record(alert_type text, doc_type text, doc_id int, run_id int,
                                               rec_status text, code text, message text)
RETURNS public.integration_history_records
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  actor int := (SELECT id FROM public.users WHERE name = 'local');
  rec public.integration_history_records;
  seq bigint;
BEGIN
  INSERT INTO public.integration_history_records AS h (contact_alert_type, document_type, document_id,
         integration_id, integration_run_id, resolved, status, created_at, updated_at,
         created_by_id, updated_by_id)
  SELECT alert_type, doc_type, doc_id, r.integration_id, r.id, false, rec_status, now(), now(), actor, actor
  FROM public.integration_runs r WHERE r.id = run_id
  RETURNING h.* INTO rec;
  IF rec.id IS NULL THEN
    RAISE EXCEPTION 'run % not found', run_id USING ERRCODE = 'no_data_found';
  END IF;
  INSERT INTO public.integration_record_responses (integration_history_record_id, response_code,
         response_message, created_at, updated_at, created_by_id, updated_by_id)
  VALUES (rec.id, code, message, now(), now(), actor, actor);
  INSERT INTO public.document_exports (document_type, document_id, exported, created_at, updated_at)
  VALUES (rec.document_type, rec.document_id, false, now(), now())
  ON CONFLICT (document_type, document_id) DO NOTHING;
  UPDATE public.event_sequence SET last_sequence = last_sequence + 1 WHERE id = 1
  RETURNING last_sequence INTO seq;
  INSERT INTO public.integration_events (sequence, event_type, object_id, integration_id,
         integration_run_id, document_type, document_id, contact_alert_type, principal_id, created_at)
  VALUES (seq, 'record.created', rec.id, rec.integration_id, rec.integration_run_id,
          rec.document_type, rec.document_id, rec.contact_alert_type, actor, now());
  PERFORM pg_notify('integration_events', seq::text);
  RETURN rec;
END $$;

-- M3: createHistoryRecords(input: {alertType, docTypes, docIds, runIds, recStatus, code, message}):
-- M1 for many documents at once (the i-th record is of docTypes[i], docIds[i] in run runIds[i]),
-- set-based, all or nothing, answered in input order.
CREATE FUNCTION bench_pg.create_history_records(alert_type text, doc_types text[], doc_ids int[],
                                                run_ids int[], rec_status text, code text, message text)
RETURNS SETOF public.integration_history_records
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  actor int := (SELECT id FROM public.users WHERE name = 'local');
  recs public.integration_history_records[];
  n int;
  seq bigint;
BEGIN
  WITH input AS (SELECT * FROM unnest(doc_types, doc_ids, run_ids) WITH ORDINALITY AS t(document_type, document_id, run_id, i)),
  ins AS (
    INSERT INTO public.integration_history_records AS h (contact_alert_type, document_type, document_id,
           integration_id, integration_run_id, resolved, status, created_at, updated_at,
           created_by_id, updated_by_id)
    SELECT alert_type, input.document_type, input.document_id, r.integration_id, r.id, false, rec_status,
           now(), now(), actor, actor
    FROM input JOIN public.integration_runs r ON r.id = input.run_id ORDER BY input.i
    RETURNING h AS rec)
  SELECT array_agg(ins.rec ORDER BY (ins.rec).id) INTO recs FROM ins;
  n := coalesce(array_length(recs, 1), 0);
  IF n <> coalesce(array_length(doc_ids, 1), 0) THEN
    RAISE EXCEPTION 'a run was not found' USING ERRCODE = 'no_data_found';
  END IF;
  INSERT INTO public.integration_record_responses (integration_history_record_id, response_code,
         response_message, created_at, updated_at, created_by_id, updated_by_id)
  SELECT u.id, code, message, now(), now(), actor, actor FROM unnest(recs) AS u;
  INSERT INTO public.document_exports (document_type, document_id, exported, created_at, updated_at)
  SELECT u.document_type, u.document_id, false, now(), now() FROM unnest(recs) AS u
  ORDER BY u.document_type, u.document_id  -- one lock order for concurrent batches: no deadlock
  ON CONFLICT (document_type, document_id) DO NOTHING;
  UPDATE public.event_sequence SET last_sequence = last_sequence + n WHERE id = 1
  RETURNING last_sequence INTO seq;
  INSERT INTO public.integration_events (sequence, event_type, object_id, integration_id,
         integration_run_id, document_type, document_id, contact_alert_type, principal_id, created_at)
  SELECT seq - n + u.ordinality, 'record.created', u.id, u.integration_id, u.integration_run_id,
         u.document_type, u.document_id, u.contact_alert_type, actor, now()
  FROM unnest(recs) WITH ORDINALITY AS u;
  PERFORM pg_notify('integration_events', seq::text);
  RETURN QUERY SELECT * FROM unnest(recs);
END $$;

-- M2: a compare-and-set transition; refused (an error) when the run is in no source status.
CREATE FUNCTION bench_pg.transition(run_id int, action text, target text, sources text[])
RETURNS public.integration_runs
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  actor int := (SELECT id FROM public.users WHERE name = 'local');
  previous text;
  run public.integration_runs;
  seq bigint;
BEGIN
  SELECT status INTO previous FROM public.integration_runs WHERE id = run_id FOR UPDATE;
  IF previous IS NULL THEN
    RAISE EXCEPTION 'run % not found', run_id USING ERRCODE = 'no_data_found';
  END IF;
  IF previous = target THEN  -- repeating the action is a no-op that succeeds
    SELECT * INTO run FROM public.integration_runs WHERE id = run_id;
    RETURN run;
  END IF;
  IF NOT previous = ANY (sources) THEN
    RAISE EXCEPTION 'INVALID_TRANSITION: cannot % a run that is %', action, previous;
  END IF;
  UPDATE public.integration_runs
     SET status = target, updated_at = now(), updated_by_id = actor,
         start_time = CASE WHEN target = 'running' THEN coalesce(start_time, now()) ELSE start_time END
   WHERE id = run_id AND status = previous
  RETURNING * INTO run;
  UPDATE public.event_sequence SET last_sequence = last_sequence + 1 WHERE id = 1
  RETURNING last_sequence INTO seq;
  INSERT INTO public.integration_events (sequence, event_type, object_id, integration_id,
         integration_run_id, previous_status, new_status, action, principal_id, created_at)
  VALUES (seq, 'run.status_changed', run.id, run.integration_id, run.id, previous, target, action, actor, now());
  PERFORM pg_notify('integration_events', seq::text);
  RETURN run;
END $$;

CREATE FUNCTION bench_pg.pause_integration_run(run_id int) RETURNS public.integration_runs
LANGUAGE sql VOLATILE AS $$ SELECT t.* FROM bench_pg.transition(run_id, 'pause', 'paused', ARRAY['pending', 'running']) AS t $$;

CREATE FUNCTION bench_pg.run_integration_run(run_id int) RETURNS public.integration_runs
LANGUAGE sql VOLATILE AS $$ SELECT t.* FROM bench_pg.transition(run_id, 'run', 'running', ARRAY['pending', 'paused']) AS t $$;

-- Only the two wrappers are mutations.
COMMENT ON FUNCTION bench_pg.transition(int, text, text, text[]) IS E'@omit';
