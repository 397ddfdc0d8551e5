import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../test/helpers/case';
import {
  dropEventIndexes,
  EVENT_INDEXES,
  missingEventIndexes,
  REBUILD_CACHE_MAX_KIB,
  rebuildCacheKib,
  rebuildEventIndexes,
} from './event-indexes';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function freshCase() {
  const t = tempCase();
  cleanups.push(t.cleanup);
  return t.session.db;
}

describe('rebuildCacheKib', () => {
  it('grows with the table and gives up beyond the cap', () => {
    const small = rebuildCacheKib(10_000)!;
    const large = rebuildCacheKib(200_000)!;
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
    expect(large).toBeLessThanOrEqual(REBUILD_CACHE_MAX_KIB);
    // A million events do not fit: no cache is worth raising for them.
    expect(rebuildCacheKib(1_000_000)).toBeNull();
  });
});

describe('rebuildEventIndexes', () => {
  it('creates exactly the missing indexes and leaves the page cache as it was', () => {
    const db = freshCase();
    const before = db.pragma('cache_size', { simple: true });
    expect(dropEventIndexes(db)).toHaveLength(EVENT_INDEXES.length);
    db.exec(`CREATE INDEX ${EVENT_INDEXES[0]!.name} ON events(${EVENT_INDEXES[0]!.columns})`);

    const created = rebuildEventIndexes(db, 50_000);

    expect(created).toEqual(EVENT_INDEXES.slice(1).map((ix) => ix.name));
    expect(missingEventIndexes(db)).toEqual([]);
    expect(db.pragma('cache_size', { simple: true })).toBe(before);
    expect(rebuildEventIndexes(db, 50_000)).toEqual([]);
  });

  it('commits each index on its own: a failure keeps those built before it', () => {
    const db = freshCase();
    const before = db.pragma('cache_size', { simple: true });
    dropEventIndexes(db);
    // An index that cannot be built (a name taken by a table) stops the rebuild; those before it
    // are committed, it and those after it stay missing for the open-time check.
    const third = EVENT_INDEXES[2]!.name;
    db.exec(`CREATE TABLE ${third} (x)`);
    expect(() => rebuildEventIndexes(db, 10)).toThrow();
    expect(missingEventIndexes(db)).toEqual(EVENT_INDEXES.slice(2).map((ix) => ix.name));
    expect(db.inTransaction).toBe(false);
    expect(db.pragma('cache_size', { simple: true })).toBe(before);
  });
});
