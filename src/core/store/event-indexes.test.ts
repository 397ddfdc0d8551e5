import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../test/helpers/case';
import { dropEventIndexes, EVENT_INDEXES, missingEventIndexes, rebuildEventIndexes } from './event-indexes';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function freshCase() {
  const t = tempCase();
  cleanups.push(t.cleanup);
  return t.session.db;
}

describe('rebuildEventIndexes', () => {
  it('creates exactly the missing indexes and puts the page cache back', () => {
    const db = freshCase();
    const before = db.pragma('cache_size', { simple: true });
    expect(dropEventIndexes(db)).toHaveLength(EVENT_INDEXES.length);
    db.exec(`CREATE INDEX ${EVENT_INDEXES[0]!.name} ON events(${EVENT_INDEXES[0]!.columns})`);

    const created = rebuildEventIndexes(db, 64 * 1024);

    expect(created).toEqual(EVENT_INDEXES.slice(1).map((ix) => ix.name));
    expect(missingEventIndexes(db)).toEqual([]);
    expect(db.pragma('cache_size', { simple: true })).toBe(before);
    expect(rebuildEventIndexes(db, 64 * 1024)).toEqual([]);
  });

  it('commits each index on its own: a failure keeps those built before it', () => {
    const db = freshCase();
    const before = db.pragma('cache_size', { simple: true });
    dropEventIndexes(db);
    // An index that cannot be built (a name taken by a table) stops the rebuild; those before it
    // are committed, it and those after it stay missing for the open-time check.
    const third = EVENT_INDEXES[2]!.name;
    db.exec(`CREATE TABLE ${third} (x)`);
    expect(() => rebuildEventIndexes(db, 32 * 1024)).toThrow();
    expect(missingEventIndexes(db)).toEqual(EVENT_INDEXES.slice(2).map((ix) => ix.name));
    expect(db.inTransaction).toBe(false);
    expect(db.pragma('cache_size', { simple: true })).toBe(before);
  });
});
