import type { Migration } from './types';

/**
 * Import bookkeeping: a record position of an evidence item is quarantined at most once (a re-run
 * of an interrupted or repeated import finds the row instead of adding a second one). The unique
 * index replaces the plain `quarantine_evidence` index and serves the same lookups.
 */
export const m0003Ingest: Migration = {
  version: 3,
  name: 'ingest',
  up(db) {
    db.exec(`
      DROP INDEX IF EXISTS quarantine_evidence;
      CREATE UNIQUE INDEX quarantine_position ON quarantine(evidence_id, record_index);
    `);
  },
};
