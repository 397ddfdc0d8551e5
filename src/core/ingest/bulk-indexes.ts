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

/** Inputs smaller than this import with the indexes in place (a rebuild has a fixed cost per index). */
export const BULK_MIN_BYTES = 32 * 1024 * 1024;

/**
 * Bytes of input per record assumed when deciding (exports run 1–4 KB per record; a low estimate
 * errs towards bulk mode, which is the cheaper mistake for an input of this size).
 */
export const BULK_BYTES_PER_RECORD = 2048;

/**
 * Whether an import of `inputBytes` into a case holding `existingEvents` should rebuild the indexes
 * rather than maintain them: the input is large and will at least double the events. A rebuild
 * reads every event, old and new; maintenance costs per new row, more as the indexes grow. Measured
 * here (narrow events, 13 indexes): a rebuild ≈ 2 µs per event per index; maintenance ≈ 2 µs per
 * new row per index at 300k events and more beyond the page cache (see docs/formats.md). With
 * fewer new rows than existing events the rebuild would read more than it saves, and queries during
 * the import would run without indexes for longer.
 */
export function bulkIndexesWorthIt(inputBytes: number, existingEvents: number): boolean {
  if (inputBytes < BULK_MIN_BYTES) return false;
  return inputBytes / BULK_BYTES_PER_RECORD >= existingEvents;
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
   * Rebuilds every missing index (`rebuildEventIndexes`: one transaction each, the table cached
   * when it fits; a crash in between leaves the rest missing and the open-time check rebuilds them).
   * @returns the names rebuilt.
   */
  leave(): string[] {
    if (!this.dropped) return [];
    const created = rebuildEventIndexes(this.db, maxEventId(this.db));
    this.dropped = false;
    return created;
  }
}
