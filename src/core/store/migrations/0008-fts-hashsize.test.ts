import { describe, expect, it } from 'vitest';
import { tempCase } from '../../../../test/helpers/case';
import { EventWriter, indexPendingEvents } from '../events-repo';
import { ev } from '../../../../test/helpers/events';
import { FTS_HASH_BYTES } from './0008-fts-hashsize';

describe('0008-fts-hashsize', () => {
  it('stores the full-text buffer size in the case, and the index still finds what is written', async () => {
    const t = tempCase();
    try {
      const db = t.session.db;
      expect(db.prepare(`SELECT v FROM events_fts_config WHERE k = 'hashsize'`).pluck(true).get()).toBe(FTS_HASH_BYTES);
      const item = (await t.session.evidence.add('x', { kind: 'file', origin: { type: 'manual', description: 'x' } })).item.id;
      const w = new EventWriter(db);
      db.transaction(() => w.write(ev({ summary: 'Forwarding rule to attacker' }), item, 0))();
      expect(indexPendingEvents(db)).toBe(1);
      expect(db.prepare(`SELECT rowid FROM events_fts WHERE events_fts MATCH 'attacker'`).pluck(true).all()).toEqual([1]);
    } finally {
      t.cleanup();
    }
  });
});
