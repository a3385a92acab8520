-- Option snapshots: a new day's partition no longer locks the whole table, and the latest-chain lookup
-- (GET /api/chains/:symbol, ops contract quotes) stops at the newest snapshot instead of sorting them all.

-- CREATE TABLE … PARTITION OF takes an ACCESS EXCLUSIVE lock on `options` until commit: the first save of each
-- UTC day queued behind any reader (a pg_dump, a report) and every reader queued behind it. A table created
-- on its own and then attached takes only SHARE UPDATE EXCLUSIVE on `options`, which readers and writers do
-- not conflict with (PostgreSQL ≥ 12). The parent's indexes are created on the new table by ATTACH.
CREATE OR REPLACE FUNCTION options_ensure_partition(day date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  part text := options_partition_name(day);
BEGIN
  IF to_regclass(quote_ident(part)) IS NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext('options_ensure_partition'));
    IF to_regclass(quote_ident(part)) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE options INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
      EXECUTE format(
        'ALTER TABLE options ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
        part,
        (day::timestamp AT TIME ZONE 'UTC'),
        ((day + 1)::timestamp AT TIME ZONE 'UTC')
      );
    END IF;
  END IF;
  RETURN part;
END $$;

-- The latest-chain lookup filters on underlying (and optionally expiration) and orders by snapshot_at DESC:
-- with (underlying, expiration) it read and sorted every stored row of the underlying across all partitions.
-- (underlying, snapshot_at DESC, expiration) also serves the second lookup (underlying, snapshot_at =, expiration)
-- and what the old index served, so it replaces it: still two indexes to maintain on ingest.
DROP INDEX idx_options_expiration;
CREATE INDEX idx_options_latest ON options (underlying, snapshot_at DESC, expiration);
