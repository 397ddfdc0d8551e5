import { describe, expect, it } from 'vitest';
import { tempCase } from '../../../../test/helpers/case';
import { CLOUD_HOSTS } from '../../auth/clouds';
import { insertPage, insertRun, upgradedTotal } from '../collect-repo';
import { m0010CollectUpgraded } from './0010-collect-upgraded';

describe('0010-collect-upgraded', () => {
  it('adds collect_pages.upgraded, 0 for pages an older version recorded, summed per run and source', async () => {
    const t = tempCase();
    try {
      const db = t.session.db;
      const item = (await t.session.evidence.add('x', { kind: 'file', origin: { type: 'manual', description: 'x' } })).item.id;
      insertRun(db, 'r1', 1, {
        tenant: 'contoso.onmicrosoft.com',
        clientId: 'c',
        cloud: 'global',
        hosts: CLOUD_HOSTS.global,
        authMode: 'certificate',
        sources: ['signins'],
        users: [],
        fromUs: 0,
        toUs: 1,
        options: {},
      });
      db.exec('ALTER TABLE collect_pages DROP COLUMN upgraded'); // the case as version 9 left it
      db.prepare(
        `INSERT INTO collect_pages (run_id, task_id, source, evidence_id, status, format, received, duplicates, requested_at_us)
         VALUES ('r1', NULL, 'signins', ?, 200, 'graph-signins', 2, 2, 1)`,
      ).run(item);
      m0010CollectUpgraded.up(db);
      expect(db.prepare('SELECT upgraded FROM collect_pages').pluck(true).all()).toEqual([0]);
      const page = { runId: 'r1', taskId: null, source: 'signins' as const, evidenceId: item, status: 200, format: 'graph-signins' };
      insertPage(db, { ...page, received: 3, imported: 0, duplicates: 3, quarantined: 0, upgraded: 2, requestedAtUs: 2 });
      expect(upgradedTotal(db, 'r1', 'signins')).toBe(2);
      expect(upgradedTotal(db, 'r1', 'ual')).toBe(0);
    } finally {
      t.cleanup();
    }
  });
});
