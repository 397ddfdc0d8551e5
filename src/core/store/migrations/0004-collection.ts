import type { Migration } from './types';

/**
 * Online collection: runs, their units of work (windows, mailboxes, content blobs) with the
 * checkpoint cursor of each, every page stored as evidence, and the gaps the service imposed.
 * Tasks and pages are the resume state: a killed run continues from the last checkpointed page.
 * Idempotent (`IF NOT EXISTS`): re-running it over a case that already has the tables (an upgrade
 * replayed from an older `user_version`) changes nothing.
 */
export const m0004Collection: Migration = {
  version: 4,
  name: 'collection',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS collect_runs (
        id TEXT PRIMARY KEY,
        started_at_us INTEGER NOT NULL,
        finished_at_us INTEGER,
        state TEXT NOT NULL CHECK (state IN ('running', 'completed', 'incomplete', 'failed', 'cancelled')),
        -- What was asked for (tenant, client id, cloud, hosts, sources, users, range, auth mode); never secrets.
        params TEXT NOT NULL,
        -- Per-source summary as of the last finish (JSON), null while never finished.
        summary TEXT,
        error TEXT
      ) STRICT;
      CREATE INDEX IF NOT EXISTS collect_runs_started ON collect_runs(started_at_us);

      -- One unit of work: a UAL or sign-in window, a Management API content listing or blob, a mailbox.
      CREATE TABLE IF NOT EXISTS collect_tasks (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES collect_runs(id),
        source TEXT NOT NULL,
        key TEXT NOT NULL,
        kind TEXT NOT NULL,
        parent_id INTEGER REFERENCES collect_tasks(id),
        from_us INTEGER,
        to_us INTEGER,
        target TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'split', 'gap', 'failed')),
        -- Where to continue (next link, skip, query id): the checkpoint, updated after every page.
        cursor TEXT,
        declared INTEGER,
        received INTEGER NOT NULL DEFAULT 0,
        imported INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        quarantined INTEGER NOT NULL DEFAULT 0,
        pages INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        updated_at_us INTEGER NOT NULL,
        UNIQUE (run_id, source, key)
      ) STRICT;
      CREATE INDEX IF NOT EXISTS collect_tasks_run_state ON collect_tasks(run_id, source, state);

      -- Every response stored for a task, in order, with what parsing it produced.
      CREATE TABLE IF NOT EXISTS collect_pages (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES collect_runs(id),
        task_id INTEGER REFERENCES collect_tasks(id),
        source TEXT NOT NULL,
        evidence_id INTEGER NOT NULL REFERENCES evidence_items(id),
        status INTEGER NOT NULL,
        format TEXT,
        received INTEGER NOT NULL DEFAULT 0,
        imported INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        quarantined INTEGER NOT NULL DEFAULT 0,
        requested_at_us INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS collect_pages_run ON collect_pages(run_id, source);
      CREATE INDEX IF NOT EXISTS collect_pages_evidence ON collect_pages(evidence_id);

      -- What the service did not give us and why: facts for the report.
      CREATE TABLE IF NOT EXISTS collect_gaps (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES collect_runs(id),
        source TEXT NOT NULL,
        -- The unit of work that could not be completed, for gaps a later resume may fill.
        task_id INTEGER REFERENCES collect_tasks(id),
        kind TEXT NOT NULL,
        from_us INTEGER,
        to_us INTEGER,
        target TEXT,
        detail TEXT NOT NULL,
        evidence_id INTEGER REFERENCES evidence_items(id),
        recorded_at_us INTEGER NOT NULL,
        custody_seq INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS collect_gaps_run ON collect_gaps(run_id, source);

      -- A gap filled later (a resume completed the window): the gap stays on record, marked resolved.
      CREATE TABLE IF NOT EXISTS collect_gap_resolutions (
        gap_id INTEGER PRIMARY KEY REFERENCES collect_gaps(id),
        resolved_at_us INTEGER NOT NULL,
        custody_seq INTEGER NOT NULL
      ) STRICT;

      CREATE TRIGGER IF NOT EXISTS collect_gaps_no_update BEFORE UPDATE ON collect_gaps
      BEGIN SELECT RAISE(ABORT, 'recorded gaps are append-only'); END;
      CREATE TRIGGER IF NOT EXISTS collect_gaps_no_delete BEFORE DELETE ON collect_gaps
      BEGIN SELECT RAISE(ABORT, 'recorded gaps are append-only'); END;
      CREATE TRIGGER IF NOT EXISTS collect_gap_resolutions_no_update BEFORE UPDATE ON collect_gap_resolutions
      BEGIN SELECT RAISE(ABORT, 'gap resolutions are append-only'); END;
      CREATE TRIGGER IF NOT EXISTS collect_gap_resolutions_no_delete BEFORE DELETE ON collect_gap_resolutions
      BEGIN SELECT RAISE(ABORT, 'gap resolutions are append-only'); END;
      CREATE TRIGGER IF NOT EXISTS collect_pages_no_update BEFORE UPDATE ON collect_pages
      BEGIN SELECT RAISE(ABORT, 'collected pages are append-only'); END;
      CREATE TRIGGER IF NOT EXISTS collect_pages_no_delete BEFORE DELETE ON collect_pages
      BEGIN SELECT RAISE(ABORT, 'collected pages are append-only'); END;
    `);
  },
};
