import { createEventIndexes } from '../event-indexes';
import type { Migration } from './types';

/**
 * The analysis engine's tables:
 *
 * - more time-ordered indexes on `events` (category, source, country, ASN, app, user agent), so the
 *   search fields have an index whose second column is `ts_us` (a first page is an index range).
 *   Each costs import throughput, so `result` and `token_id` (common values, or rare pivots) have
 *   none: their queries walk the time index;
 * - derived tables rebuilt in bulk after imports (like the FTS index, never by trigger):
 *   `value_counts` (distinct values per field, for top values and case-insensitive matching),
 *   `timeline_buckets` (pre-aggregated histogram counts per minute/hour/day, per group) and
 *   `ip_addresses` (one row per distinct IP with its sortable key for CIDR search and the
 *   enrichment that applies to it);
 * - enrichment sources cited in the case;
 * - annotations: tags (with colours), event tags, stars, comments, saved views;
 * - analyzer findings, their events, and analyzer runs.
 *
 * Statements use IF NOT EXISTS so a case whose events tables were rebuilt (see the migration
 * tests) or that received these tables ahead of the migration list upgrades cleanly.
 */
export const m0005Analysis: Migration = {
  version: 5,
  name: 'analysis',
  up(db) {
    // events_category_ts, events_source_ts, events_country_ts, events_asn_ts, events_app_ts,
    // events_ua_ts: defined in the one list bulk import and the open-time check share.
    createEventIndexes(db, 5);
    db.exec(`
      -- Distinct values per search field ('operation', 'actor', 'ip', ...), with counts and time span.
      CREATE TABLE IF NOT EXISTS value_counts (
        dim TEXT NOT NULL,
        value TEXT NOT NULL,
        n INTEGER NOT NULL,
        first_us INTEGER NOT NULL,
        last_us INTEGER NOT NULL,
        PRIMARY KEY (dim, value)
      ) STRICT, WITHOUT ROWID;

      -- Event counts per bucket. width_s is 60, 3600 or 86400; dim '' (value '') counts every event,
      -- other dims ('category', 'source', 'mailbox', 'ip', 'session') count per group value
      -- ('' for events without one). Buckets start at multiples of width_s since the epoch (UTC).
      CREATE TABLE IF NOT EXISTS timeline_buckets (
        width_s INTEGER NOT NULL,
        dim TEXT NOT NULL,
        value TEXT NOT NULL,
        bucket_us INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (width_s, dim, value, bucket_us)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS timeline_buckets_time ON timeline_buckets(width_s, dim, bucket_us);

      -- One row per distinct client IP. ip_key is 16 bytes, big-endian (IPv4 mapped to ::ffff:a.b.c.d),
      -- so a CIDR block is one key range. flags: comma-separated (private, reserved, microsoft, hosting, ...).
      CREATE TABLE IF NOT EXISTS ip_addresses (
        ip TEXT PRIMARY KEY,
        ip_key BLOB NOT NULL,
        country TEXT,
        asn INTEGER,
        as_org TEXT,
        flags TEXT NOT NULL DEFAULT '',
        city TEXT,
        region TEXT,
        latitude REAL,
        longitude REAL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS ip_addresses_key ON ip_addresses(ip_key);

      -- Databases used for enrichment, cited in the case and the report.
      CREATE TABLE IF NOT EXISTS enrichment_sources (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        build_date TEXT,
        provides TEXT NOT NULL,
        license TEXT NOT NULL,
        sha256 TEXT,
        recorded_at_us INTEGER NOT NULL,
        UNIQUE (name, version)
      ) STRICT;

      CREATE TABLE IF NOT EXISTS tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE,
        color TEXT NOT NULL,
        description TEXT,
        created_at_us INTEGER NOT NULL,
        created_by TEXT NOT NULL
      ) STRICT;

      CREATE TABLE IF NOT EXISTS event_tags (
        event_id INTEGER NOT NULL REFERENCES events(id),
        tag_id INTEGER NOT NULL REFERENCES tags(id),
        added_at_us INTEGER NOT NULL,
        added_by TEXT NOT NULL,
        PRIMARY KEY (event_id, tag_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS event_tags_tag ON event_tags(tag_id, event_id);

      CREATE TABLE IF NOT EXISTS stars (
        event_id INTEGER PRIMARY KEY REFERENCES events(id),
        starred_at_us INTEGER NOT NULL,
        starred_by TEXT NOT NULL
      ) STRICT;

      CREATE TABLE IF NOT EXISTS comments (
        id INTEGER PRIMARY KEY,
        event_id INTEGER NOT NULL REFERENCES events(id),
        author TEXT NOT NULL,
        at_us INTEGER NOT NULL,
        text TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS comments_event ON comments(event_id, id);

      CREATE TABLE IF NOT EXISTS saved_views (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE,
        query TEXT NOT NULL,
        from_us INTEGER,
        to_us INTEGER,
        columns TEXT NOT NULL DEFAULT '[]',
        group_by TEXT,
        created_by TEXT NOT NULL,
        created_at_us INTEGER NOT NULL,
        updated_at_us INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE IF NOT EXISTS analyzer_runs (
        id INTEGER PRIMARY KEY,
        started_at_us INTEGER NOT NULL,
        finished_at_us INTEGER NOT NULL,
        examiner TEXT NOT NULL,
        analyzers TEXT NOT NULL,
        events INTEGER NOT NULL,
        findings INTEGER NOT NULL
      ) STRICT;

      -- A finding is identified by (analyzer, fingerprint): re-running an analyzer updates it in place.
      CREATE TABLE IF NOT EXISTS findings (
        id INTEGER PRIMARY KEY,
        analyzer TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        -- 'finding', or 'gap' (a window the logs cannot see into, e.g. a MailItemsAccessed throttling blind spot)
        kind TEXT NOT NULL DEFAULT 'finding' CHECK (kind IN ('finding', 'gap')),
        severity TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high')),
        title TEXT NOT NULL,
        why TEXT NOT NULL,
        next_steps TEXT NOT NULL DEFAULT '[]',
        actors TEXT NOT NULL DEFAULT '[]',
        first_us INTEGER,
        last_us INTEGER,
        run_id INTEGER NOT NULL REFERENCES analyzer_runs(id),
        first_run_id INTEGER NOT NULL REFERENCES analyzer_runs(id),
        UNIQUE (analyzer, fingerprint)
      ) STRICT;

      CREATE TABLE IF NOT EXISTS finding_events (
        finding_id INTEGER NOT NULL REFERENCES findings(id),
        event_id INTEGER NOT NULL REFERENCES events(id),
        ord INTEGER NOT NULL,
        PRIMARY KEY (finding_id, event_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS finding_events_event ON finding_events(event_id);
    `);
  },
};
