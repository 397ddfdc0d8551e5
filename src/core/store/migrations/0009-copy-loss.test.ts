import { describe, expect, it } from 'vitest';
import { tempCase } from '../../../../test/helpers/case';
import { ev } from '../../../../test/helpers/events';
import { EventWriter } from '../events-repo';
import { m0009CopyLoss } from './0009-copy-loss';

describe('0009-copy-loss', () => {
  it('adds copy_loss, NULL (not measured) for events an older version wrote, set for new ones', async () => {
    const t = tempCase();
    try {
      const db = t.session.db;
      const item = (await t.session.evidence.add('x', { kind: 'file', origin: { type: 'manual', description: 'x' } })).item.id;
      db.exec('ALTER TABLE events DROP COLUMN copy_loss'); // the case as version 8 left it
      db.prepare(
        `INSERT INTO events (ts_us, source, operation, category, summary, evidence_id, record_index) VALUES (1, 'ual', 'Send', 'mail-send', 's', ?, 0)`,
      ).run(item);
      m0009CopyLoss.up(db);
      expect(db.prepare('SELECT copy_loss FROM events').pluck(true).all()).toEqual([null]);
      new EventWriter(db).write(ev({ recordKey: 'ual:2', raw: '{"Folders":"System.Object[]"}' }), item, 1);
      expect(db.prepare('SELECT copy_loss FROM events ORDER BY id').pluck(true).all()).toEqual([null, 1]);
    } finally {
      t.cleanup();
    }
  });
});
