import type { Migration } from './types';

/**
 * The case row, examiners, the append-only custody journal and the raw evidence store.
 * Triggers make the journal append-only and sealed evidence immutable.
 */
export const m0001Foundation: Migration = {
  version: 1,
  name: 'foundation',
  up(db) {
    db.exec(`
      CREATE TABLE cases (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        number TEXT,
        examiner TEXT NOT NULL,
        time_zone TEXT NOT NULL,
        created_at_us INTEGER NOT NULL,
        created_with TEXT NOT NULL
      ) STRICT;

      CREATE TABLE examiners (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        first_seen_us INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE custody (
        seq INTEGER PRIMARY KEY,
        at_us INTEGER NOT NULL,
        examiner TEXT NOT NULL,
        action TEXT NOT NULL,
        details TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;

      CREATE TRIGGER custody_no_update BEFORE UPDATE ON custody
      BEGIN SELECT RAISE(ABORT, 'custody journal is append-only'); END;
      CREATE TRIGGER custody_no_delete BEFORE DELETE ON custody
      BEGIN SELECT RAISE(ABORT, 'custody journal is append-only'); END;

      CREATE TABLE evidence_items (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        origin TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('staging', 'sealed')),
        sha256 TEXT,
        bytes INTEGER NOT NULL DEFAULT 0,
        chunk_size INTEGER NOT NULL,
        -- How each chunk is stored: verbatim, or raw-deflated per chunk (hash and size are of the original bytes).
        codec TEXT NOT NULL DEFAULT 'identity' CHECK (codec IN ('identity', 'deflate-raw')),
        acquired_at_us INTEGER NOT NULL,
        declared_count INTEGER,
        parsed_count INTEGER,
        custody_seq INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX evidence_items_sha256 ON evidence_items(sha256) WHERE state = 'sealed';

      CREATE TABLE evidence_chunks (
        id INTEGER PRIMARY KEY,
        evidence_id INTEGER NOT NULL REFERENCES evidence_items(id),
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        UNIQUE (evidence_id, seq)
      ) STRICT;

      -- Every further acquisition of bytes already stored (same SHA-256): provenance is kept.
      CREATE TABLE evidence_sightings (
        id INTEGER PRIMARY KEY,
        evidence_id INTEGER NOT NULL REFERENCES evidence_items(id),
        origin TEXT NOT NULL,
        acquired_at_us INTEGER NOT NULL,
        custody_seq INTEGER NOT NULL
      ) STRICT;

      CREATE TRIGGER evidence_items_sealed_no_delete BEFORE DELETE ON evidence_items
      WHEN OLD.state = 'sealed'
      BEGIN SELECT RAISE(ABORT, 'sealed evidence is immutable'); END;

      CREATE TRIGGER evidence_items_sealed_no_update BEFORE UPDATE ON evidence_items
      WHEN OLD.state = 'sealed' AND (
        NEW.state IS NOT OLD.state OR NEW.sha256 IS NOT OLD.sha256 OR NEW.bytes IS NOT OLD.bytes
        OR NEW.kind IS NOT OLD.kind OR NEW.origin IS NOT OLD.origin
        OR NEW.acquired_at_us IS NOT OLD.acquired_at_us OR NEW.custody_seq IS NOT OLD.custody_seq
        OR NEW.chunk_size IS NOT OLD.chunk_size OR NEW.codec IS NOT OLD.codec)
      BEGIN SELECT RAISE(ABORT, 'sealed evidence is immutable'); END;

      CREATE TRIGGER evidence_chunks_no_update BEFORE UPDATE ON evidence_chunks
      BEGIN SELECT RAISE(ABORT, 'evidence bytes are immutable'); END;

      CREATE TRIGGER evidence_chunks_sealed_no_delete BEFORE DELETE ON evidence_chunks
      WHEN (SELECT state FROM evidence_items WHERE id = OLD.evidence_id) = 'sealed'
      BEGIN SELECT RAISE(ABORT, 'sealed evidence is immutable'); END;

      CREATE TRIGGER evidence_chunks_sealed_no_insert BEFORE INSERT ON evidence_chunks
      WHEN (SELECT state FROM evidence_items WHERE id = NEW.evidence_id) IS NOT 'staging'
      BEGIN SELECT RAISE(ABORT, 'evidence chunks may only be added while staging'); END;

      CREATE TRIGGER evidence_sightings_no_change BEFORE UPDATE ON evidence_sightings
      BEGIN SELECT RAISE(ABORT, 'evidence provenance is append-only'); END;
      CREATE TRIGGER evidence_sightings_no_delete BEFORE DELETE ON evidence_sightings
      BEGIN SELECT RAISE(ABORT, 'evidence provenance is append-only'); END;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
  },
};
