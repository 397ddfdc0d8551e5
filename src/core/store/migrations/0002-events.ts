import { createEventIndexes } from '../event-indexes';
import type { Migration } from './types';

/**
 * Normalized events, their further sightings (duplicates seen in other evidence items),
 * quarantined records, and the full-text index (filled in bulk after each import batch, never by
 * triggers: trigger-maintained FTS cuts encrypted insert throughput about fourfold).
 */
export const m0002Events: Migration = {
  version: 2,
  name: 'events',
  up(db) {
    db.exec(`
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        ts_us INTEGER NOT NULL,
        source TEXT NOT NULL,
        record_type TEXT,
        operation TEXT NOT NULL,
        category TEXT NOT NULL,
        actor TEXT,
        mailbox TEXT,
        client_ip TEXT,
        country TEXT,
        asn INTEGER,
        as_org TEXT,
        user_agent TEXT,
        client_app TEXT,
        app_id TEXT,
        session_id TEXT,
        token_id TEXT,
        device_id TEXT,
        result TEXT,
        object TEXT,
        summary TEXT NOT NULL,
        record_key TEXT,
        evidence_id INTEGER NOT NULL REFERENCES evidence_items(id),
        record_index INTEGER NOT NULL,
        raw TEXT NOT NULL,
        attrs TEXT NOT NULL DEFAULT '{}',
        examiner_added INTEGER NOT NULL DEFAULT 0 CHECK (examiner_added IN (0, 1))
      ) STRICT;
      CREATE UNIQUE INDEX events_record_key ON events(record_key) WHERE record_key IS NOT NULL;

      -- A record seen again (same record_key) in another evidence item or position.
      CREATE TABLE event_sightings (
        event_id INTEGER NOT NULL REFERENCES events(id),
        evidence_id INTEGER NOT NULL REFERENCES evidence_items(id),
        record_index INTEGER NOT NULL,
        PRIMARY KEY (event_id, evidence_id, record_index)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE quarantine (
        id INTEGER PRIMARY KEY,
        evidence_id INTEGER NOT NULL REFERENCES evidence_items(id),
        record_index INTEGER NOT NULL,
        location TEXT NOT NULL,
        reason TEXT NOT NULL,
        raw TEXT
      ) STRICT;
      CREATE INDEX quarantine_evidence ON quarantine(evidence_id, record_index);

      CREATE VIRTUAL TABLE events_fts USING fts5(
        summary, operation, actor, mailbox, object, user_agent, client_app,
        content = 'events', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
      );
    `);
    // events_ts, events_actor_ts, events_mailbox_ts, events_ip_ts, events_session_ts,
    // events_operation_ts, events_evidence: defined in the one list bulk import and the open-time
    // check share.
    createEventIndexes(db, 2);
  },
};
