import type { Migration } from './types';

/**
 * Pending terms FTS5 holds in memory before it writes a segment (its `hashsize` option, stored in
 * `events_fts_config`; 1 MiB by default): 16 MiB. Bigger in-memory runs mean fewer, larger segments
 * and less merging: a million events were indexed in 3.4 s instead of 5.0 s, at no measurable cost
 * in peak memory (32 MiB: no faster, +15 MB). Pending terms are flushed at every commit, so small
 * writes hold no more memory than before. Setting it again changes nothing.
 */
export const FTS_HASH_BYTES = 16 * 1024 * 1024;

export const m0008FtsHashsize: Migration = {
  version: 8,
  name: 'fts-hashsize',
  up(db) {
    db.exec(`INSERT INTO events_fts (events_fts, rank) VALUES ('hashsize', ${FTS_HASH_BYTES})`);
  },
};
