/**
 * Bulk index mode of a large import: the secondary indexes of `events` are dropped before the first
 * record is written and rebuilt, each in one sorted pass, when the import ends (whether it finished,
 * failed or was cancelled). Rows then go in without per-row index maintenance, which at a million
 * records costs more than the rebuild (index leaves outgrow the page cache: every insert is a random
 * page read, decrypt and re-encrypt).
 *
 * The unique record-key index stays: dedupe reads it at every insert. A crash while the indexes are
 * dropped leaves them missing; the next read-write open rebuilds them (`openCase`).
 */
import type { Db } from '../store/database';
import { maxEventId } from '../store/events-repo';
import { dropEventIndexes, rebuildEventIndexes } from '../store/event-indexes';

/**
 * Bytes an `events` row takes in its table, page overhead included (463 measured on the import
 * bench's mix), for sizing the rebuild's cache.
 */
const EVENT_ROW_BYTES = 480;
/** Cache on top of the table: the pages of the index being built and the sorter's. */
const REBUILD_CACHE_SLACK_KIB = 16 * 1024;
/** The most page cache a rebuild takes (the table of ≈ 300k events at {@link EVENT_ROW_BYTES}). */
export const REBUILD_CACHE_MAX_KIB = 160 * 1024;
/**
 * Resident memory a rebuild's cache may bring the process up to: about an import's peak while it
 * parses (≈ 350–380 MB), under the 400 MB an import of 2 GB is allowed.
 */
export const REBUILD_RSS_CEILING = 360_000_000;

/**
 * The page cache (KiB) that holds an `events` table of `events` rows while its indexes are built,
 * or `null` when it would exceed {@link REBUILD_CACHE_MAX_KIB} or `budgetKib` (what the process may
 * still grow by): a table bigger than the cache gains nothing, every scan evicts the pages the next
 * one starts with. Measured at 200k events (a 110 MiB cache): 13 indexes in 1.9 s instead of 3.7 s.
 */
export function rebuildCacheKib(events: number, budgetKib: number): number | null {
  const kib = Math.ceil((events * EVENT_ROW_BYTES) / 1024) + REBUILD_CACHE_SLACK_KIB;
  return kib <= Math.min(REBUILD_CACHE_MAX_KIB, budgetKib) ? kib : null;
}

/** Inputs smaller than this import with the indexes in place (a rebuild has a fixed cost per index). */
export const BULK_MIN_BYTES = 32 * 1024 * 1024;

/**
 * Bytes of input per record assumed when deciding (exports run 1–4 KB per record; a low estimate
 * errs towards bulk mode, which is the cheaper mistake for an input of this size).
 */
export const BULK_BYTES_PER_RECORD = 2048;

/**
 * How many events may already be in the case, per new record expected, for a rebuild to still beat
 * maintaining the indexes. Measured on a case of 1M events (13 indexes far beyond the page cache,
 * so every maintained insert reads and rewrites a leaf of each): maintenance ≈ 317 µs a new row, a
 * rebuild ≈ 20.5 µs an event, old and new, so they break even near 14.5 existing events a new one.
 * A second 1M-record import took 383 s maintained against 112 s rebuilt; 100k records, 38.7 against
 * 30.7 s. With the low record estimate ({@link BULK_BYTES_PER_RECORD}) 15 leaves a margin.
 */
export const BULK_MAX_EXISTING_PER_NEW = 15;

/**
 * Whether an import of `inputBytes` into a case holding `existingEvents` should rebuild the indexes
 * rather than maintain them. A rebuild reads every event, old and new; maintenance costs per new
 * row, and far more once the indexes outgrow the page cache (see {@link BULK_MAX_EXISTING_PER_NEW}
 * and docs/formats.md). Small inputs maintain them: a rebuild has a fixed cost per index, and
 * queries during the import would run without indexes.
 */
export function bulkIndexesWorthIt(inputBytes: number, existingEvents: number): boolean {
  if (inputBytes < BULK_MIN_BYTES) return false;
  return existingEvents <= (inputBytes / BULK_BYTES_PER_RECORD) * BULK_MAX_EXISTING_PER_NEW;
}

/** The drop-then-rebuild cycle of one import (enter before writing, leave in a `finally`). */
export class BulkIndexes {
  private dropped = false;

  constructor(
    private readonly db: Db,
    readonly enabled: boolean,
  ) {}

  /** Decides for an import of `inputBytes` into the case as it is now. */
  static forImport(db: Db, inputBytes: number): BulkIndexes {
    return new BulkIndexes(db, bulkIndexesWorthIt(inputBytes, maxEventId(db)));
  }

  /** Drops the indexes (once; a no-op when bulk mode is off). */
  enter(): void {
    if (!this.enabled || this.dropped) return;
    this.db.transaction(() => dropEventIndexes(this.db)).immediate();
    this.dropped = true;
  }

  /** True when {@link leave} has indexes to rebuild. */
  get pending(): boolean {
    return this.dropped;
  }

  /**
   * Rebuilds every missing index (`rebuildEventIndexes`: one transaction each, the table cached when
   * it fits {@link rebuildCacheKib} and the memory left under {@link REBUILD_RSS_CEILING}; a crash
   * in between leaves the rest missing and the open-time check rebuilds them).
   * @returns the names rebuilt.
   */
  leave(): string[] {
    if (!this.dropped) return [];
    const budgetKib = Math.floor((REBUILD_RSS_CEILING - process.memoryUsage.rss()) / 1024);
    const created = rebuildEventIndexes(this.db, rebuildCacheKib(maxEventId(this.db), budgetKib));
    this.dropped = false;
    return created;
  }
}
