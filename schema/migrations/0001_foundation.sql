-- 0001 foundation: roles, grants, and the helpers every later migration uses.
--
-- Conventions for every migration file (NNNN_name.sql, applied in version order, each in its
-- own transaction by `ledger migrate`):
--   * The migrator runs `SET LOCAL search_path TO <schema>, public` first, so names are
--     UNQUALIFIED: the same files build `ledger`, `ledger_rebuild`, or any other schema.
--     current_schema() is the target schema inside a migration.
--   * History (time-partitioned) tables are made with make_history_table() below, never with a
--     plain CREATE TABLE, so they become TimescaleDB hypertables or pg_partman range partitions.
--   * A migration that creates tables ends with `SELECT grant_schema_access();`.
--   * Migrations run as an owner/admin role (the migrator creates the pg_partman extension,
--     which needs superuser); the projector connects as a member of ledger_writer, queries as a
--     member of ledger_reader.

-- Roles are cluster-wide NOLOGIN groups. Several databases may be migrated at once on one
-- cluster, so a concurrent creation (unique_violation) counts as success.
DO $roles$
DECLARE
  v_role text;
BEGIN
  FOREACH v_role IN ARRAY ARRAY['ledger_writer', 'ledger_reader'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', v_role);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END;
    END IF;
  END LOOP;
END
$roles$;

-- Which time-partitioning backend this database has: 'timescaledb', 'pg_partman' or 'none'.
CREATE FUNCTION history_backend() RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN 'timescaledb'
    WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_partman') THEN 'pg_partman'
    ELSE 'none'
  END
$$;

-- Whether history tables get compression and retention policies: pg_partman (retention) and
-- TimescaleDB with its TSL features; false for the Apache-only edition of TimescaleDB
-- (timescaledb.license = 'apache'), which has hypertables but neither policy.
CREATE FUNCTION history_policies_available() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT history_backend() <> 'timescaledb'
      OR coalesce(current_setting('timescaledb.license', true), 'timescale') <> 'apache'
$$;

-- Creates the history table current_schema().p_table with the column and constraint list
-- p_columns, partitioned by time on p_time_column (NOT NULL; every unique constraint in
-- p_columns must include it):
--   TimescaleDB: a hypertable with chunks of p_chunk, compression (segment by p_segment_by,
--     order by p_order_by, by default the unique-key columns then "<time> DESC") after
--     max(2 chunks, 7 days), and a retention policy dropping chunks older than p_retention
--     (NULL: keep forever); the Apache-only edition: the hypertable alone (no policies).
--   pg_partman: a native range-partitioned table, partitions of p_chunk made 4 ahead by
--     partman.create_parent, a default partition so no row is ever refused, retention
--     p_retention in partman.part_config (applied by maintain_history()).
-- Returns the backend used.
CREATE FUNCTION make_history_table(p_table text, p_columns text, p_time_column text,
                                   p_chunk interval, p_retention interval DEFAULT NULL,
                                   p_segment_by text DEFAULT NULL,
                                   p_order_by text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_schema text := current_schema();
  v_table text := format('%I.%I', current_schema(), p_table);
  v_backend text := history_backend();
  v_key_columns text;
  v_interval interval := p_chunk;
BEGIN
  IF v_backend = 'timescaledb' THEN
    EXECUTE format('CREATE TABLE %s (%s)', v_table, p_columns);
    PERFORM create_hypertable(v_table::regclass, p_time_column::name,
                              chunk_time_interval => p_chunk);
    IF NOT history_policies_available() THEN
      RETURN v_backend;
    END IF;
    -- Compression wants every column of a unique constraint in segmentby or orderby: by
    -- default order by those key columns, then time.
    SELECT string_agg(format('%I', c.col), ', ' ORDER BY c.col) INTO v_key_columns
      FROM (SELECT DISTINCT a.attname::text AS col
              FROM pg_index i
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
             WHERE i.indrelid = v_table::regclass AND i.indisunique
               AND a.attname::text <> p_time_column
               AND a.attname::text <> ALL (string_to_array(
                     replace(coalesce(p_segment_by, ''), ' ', ''), ','))) c;
    EXECUTE format('ALTER TABLE %s SET (timescaledb.compress, timescaledb.compress_orderby = %L%s)',
                   v_table,
                   coalesce(p_order_by,
                            concat_ws(', ', v_key_columns, format('%I DESC', p_time_column))),
                   CASE WHEN p_segment_by IS NULL THEN ''
                        ELSE format(', timescaledb.compress_segmentby = %L', p_segment_by) END);
    PERFORM add_compression_policy(v_table::regclass, greatest(p_chunk * 2, interval '7 days'));
    IF p_retention IS NOT NULL THEN
      PERFORM add_retention_policy(v_table::regclass, p_retention);
    END IF;
  ELSIF v_backend = 'pg_partman' THEN
    -- pg_partman names partitions of 28 days and more by calendar month (_pYYYY_MM) and finds
    -- them by that name: a 30-day step drifts from the months, leaving gaps that send current
    -- rows to the default partition and make partition_data_time fail. Calendar months then.
    IF p_chunk >= interval '28 days' AND p_chunk <= interval '31 days' THEN
      v_interval := interval '1 month';
    END IF;
    EXECUTE format('CREATE TABLE %s (%s) PARTITION BY RANGE (%I)', v_table, p_columns,
                   p_time_column);
    PERFORM partman.create_parent(p_parent_table => v_schema || '.' || p_table,
                                  p_control => p_time_column,
                                  p_type => 'native',
                                  p_interval => v_interval::text,
                                  p_premake => 4,
                                  p_start_partition => (now() - v_interval)::text);
    UPDATE partman.part_config
       SET retention = p_retention::text,
           retention_keep_table = false,
           retention_keep_index = false,
           infinite_time_partitions = true,
           ignore_default_data = true
     WHERE parent_table = v_schema || '.' || p_table;
  ELSE
    RAISE EXCEPTION 'history table %: neither the timescaledb nor the pg_partman extension is '
                    'installed in database %', v_table, current_database();
  END IF;
  RETURN v_backend;
END
$$;

-- Partition upkeep for the history tables of schema p_schema (pg_partman only; TimescaleDB
-- runs its own policy jobs): per table, moves rows that landed in the default partition into
-- proper partitions (so a new partition never collides with them; at most 1000 partition
-- intervals per call), premakes future partitions, drops partitions past their retention, and
-- commits. A procedure: CALL it outside a transaction block. `ledger migrate` calls it; a
-- deployment also runs it periodically (e.g. hourly).
CREATE PROCEDURE maintain_history(p_schema text)
LANGUAGE plpgsql AS $$
DECLARE
  v_parent text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_partman')
     OR EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    RETURN;
  END IF;
  FOR v_parent IN
    SELECT parent_table FROM partman.part_config
     WHERE parent_table LIKE p_schema || '.%' ORDER BY parent_table
  LOOP
    PERFORM partman.partition_data_time(v_parent, p_batch_count => 1000);
    PERFORM partman.run_maintenance(v_parent);
    COMMIT;
  END LOOP;
END
$$;

-- After `ALTER SCHEMA p_old RENAME TO p_new`, points pg_partman's configuration at the renamed
-- tables (part_config stores "schema.table" text) and renames their template tables
-- (partman.template_<schema>_<table>) to match. TimescaleDB follows renames by itself. Call it
-- in the same transaction as the rename (replay's schema swap).
CREATE FUNCTION rename_history_schema(p_old text, p_new text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_row record;
  v_template text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_partman') THEN
    RETURN;
  END IF;
  FOR v_row IN
    SELECT parent_table, template_table FROM partman.part_config
     WHERE parent_table LIKE p_old || '.%'
  LOOP
    v_template := left(format('template_%s_%s', p_new, split_part(v_row.parent_table, '.', 2)), 63);
    IF v_row.template_table IS NOT NULL AND to_regclass(v_row.template_table) IS NOT NULL THEN
      EXECUTE format('ALTER TABLE %s RENAME TO %I', v_row.template_table, v_template);
    END IF;
    UPDATE partman.part_config
       SET parent_table = p_new || '.' || split_part(v_row.parent_table, '.', 2),
           template_table = CASE WHEN template_table IS NULL THEN NULL
                                 ELSE 'partman.' || v_template END
     WHERE parent_table = v_row.parent_table;
  END LOOP;
END
$$;

-- Before `DROP SCHEMA p_schema CASCADE` (e.g. the old schema after a replay swap): removes its
-- tables from pg_partman's configuration and drops their template tables, so the schema name
-- can be built again later.
CREATE FUNCTION forget_history_schema(p_schema text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_row record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_partman') THEN
    RETURN;
  END IF;
  FOR v_row IN
    SELECT parent_table, template_table FROM partman.part_config
     WHERE parent_table LIKE p_schema || '.%'
  LOOP
    DELETE FROM partman.part_config WHERE parent_table = v_row.parent_table;
    IF v_row.template_table IS NOT NULL THEN
      EXECUTE format('DROP TABLE IF EXISTS %s', v_row.template_table);
    END IF;
  END LOOP;
END
$$;

-- Grants the two roles their rights on everything in current_schema(): ledger_writer reads
-- and writes rows, ledger_reader only reads. Also sets default privileges for tables the
-- migrating role creates later in the schema.
CREATE FUNCTION grant_schema_access() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_schema text := current_schema();
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO ledger_writer, ledger_reader', v_schema);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I '
                 'TO ledger_writer', v_schema);
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO ledger_writer', v_schema);
  EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO ledger_reader', v_schema);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE '
                 'ON TABLES TO ledger_writer', v_schema);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES '
                 'TO ledger_writer', v_schema);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO ledger_reader',
                 v_schema);
END
$$;

SELECT grant_schema_access();
