import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../test/helpers/case';
import { chunkInserter, discardStaging, insertStaging, stagingIds } from './evidence-repo';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('discarding a half-stored item', () => {
  it('needs little room: the freed pages are not zeroed through the journal (a full disk could not take that)', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const { db } = t.session;
    const id = insertStaging(db, 'file', '{"type":"file"}', 1 << 20, 'identity', 0, null);
    const insert = chunkInserter(db);
    db.transaction(() => {
      for (let seq = 0; seq < 16; seq++) insert(id, seq, randomBytes(1 << 20));
    })();
    let journal = 0;
    db.transaction(() => {
      discardStaging(db, id);
      journal = statSync(`${t.session.file}-journal`).size;
    }).immediate();
    expect(stagingIds(db)).toEqual([]);
    expect(journal).toBeLessThan(1 << 20);
    // The connection's own setting is back for everything else.
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
  });
});
