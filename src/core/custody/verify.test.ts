// Tamper tests: each one edits the case behind Mailtrail's back (triggers dropped, as a tamperer
// with the passphrase would) and verification must fail naming the first bad entry or item.
import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../test/helpers/case';
import { dropTriggers, rawOpen } from '../../../test/helpers/raw-db';
import { verifyCase } from './verify';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function caseWithHistory() {
  const t = tempCase();
  cleanups.push(t.cleanup);
  await t.session.evidence.add(Buffer.alloc(3 * 1024 * 1024 + 17, 0x41), {
    kind: 'file',
    origin: { type: 'file', path: '/evidence/a.csv' },
  });
  await t.session.evidence.add('{"value":[]}', { kind: 'http-response', origin: { type: 'manual', description: 'b' } });
  const lines = Array.from({ length: 2000 }, (_, i) => `{"Id":"${(i * 2654435761) % 4294967296}","n":${i}}`).join('\n');
  await t.session.evidence.add(lines.slice(0, 50_000), {
    kind: 'file',
    origin: { type: 'manual', description: 'c' },
    codec: 'deflate-raw',
  });
  t.session.journal.append('note.test', { n: 1 });
  t.session.journal.append('note.test', { n: 2 });
  t.session.close();
  const tamper = (sql: (db: ReturnType<typeof rawOpen>) => void): void => {
    const db = rawOpen(t.file, t.passphrase);
    dropTriggers(db);
    sql(db);
    db.close();
  };
  return { t, tamper, verify: () => verifyCase(t.reopen({ readOnly: true }).db) };
}

describe('verifyCase', () => {
  it('passes an untouched case and reports the head', async () => {
    const { verify } = await caseWithHistory();
    const r = verify();
    expect(r.ok).toBe(true);
    expect(r.entries).toBe(6);
    expect(r.head).toMatch(/^[0-9a-f]{64}$/);
    expect(r.evidenceItems).toBe(3);
    expect(r.evidenceBytes).toBe(3 * 1024 * 1024 + 17 + 12 + 50_000);
  });

  it('detects an edited journal entry', async () => {
    const { tamper, verify } = await caseWithHistory();
    tamper((db) => db.exec(`UPDATE custody SET details = '{"n":9}' WHERE seq = 5`));
    const r = verify();
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ kind: 'journal', seq: 5 });
    expect(r.problems[0]!.reason).toMatch(/journal entry 5: hash does not match/);
    expect(r.entries).toBe(4);
  });

  it('detects an edited examiner or time', async () => {
    const { tamper, verify } = await caseWithHistory();
    tamper((db) => db.exec(`UPDATE custody SET at_us = at_us + 1 WHERE seq = 2`));
    expect(verify().problems[0]).toMatchObject({ kind: 'journal', seq: 2 });
  });

  it('detects a deleted journal entry', async () => {
    const { tamper, verify } = await caseWithHistory();
    tamper((db) => db.exec(`DELETE FROM custody WHERE seq = 5`));
    const r = verify();
    expect(r.problems[0]).toMatchObject({ kind: 'journal', seq: 6 });
    expect(r.problems[0]!.reason).toMatch(/expected entry 5/);
  });

  it('detects reordered journal entries', async () => {
    const { tamper, verify } = await caseWithHistory();
    tamper((db) => {
      db.exec('UPDATE custody SET seq = -5 WHERE seq = 5');
      db.exec('UPDATE custody SET seq = 5 WHERE seq = 6');
      db.exec('UPDATE custody SET seq = 6 WHERE seq = -5');
    });
    const r = verify();
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ kind: 'journal', seq: 5 });
  });

  it('detects a truncated journal tail through the evidence cross-check', async () => {
    const { tamper, verify } = await caseWithHistory();
    // Deleting the tail that recorded an acquisition breaks no link, but the evidence item now
    // lacks its acquisition record.
    tamper((db) => db.exec('DELETE FROM custody WHERE seq >= 3'));
    const r = verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      expect.objectContaining({ kind: 'evidence', evidenceId: 2 }),
      expect.objectContaining({ kind: 'evidence', evidenceId: 3 }),
    ]);
  });

  it('detects one flipped byte in an evidence chunk, naming the item', async () => {
    const { tamper, verify } = await caseWithHistory();
    tamper((db) => {
      const row = db.prepare('SELECT id, data FROM evidence_chunks WHERE evidence_id = 1 AND seq = 2').get() as {
        id: number;
        data: Buffer;
      };
      row.data[12345] = row.data[12345]! ^ 0x01;
      db.prepare('UPDATE evidence_chunks SET data = ? WHERE id = ?').run(row.data, row.id);
    });
    const r = verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'evidence', evidenceId: 1 })]);
    expect(r.problems[0]!.reason).toMatch(/evidence item 1: SHA-256 of stored bytes does not match/);
  });

  it('detects evidence whose stored hash was changed to match edited bytes', async () => {
    const { tamper, verify } = await caseWithHistory();
    tamper((db) => {
      db.exec(`UPDATE evidence_chunks SET data = CAST('{"value":[1]}' AS BLOB) WHERE evidence_id = 2`);
      db.exec(`UPDATE evidence_items SET sha256 = 'ffff', bytes = 13 WHERE id = 2`);
    });
    const r = verify();
    expect(r.problems[0]).toMatchObject({ kind: 'evidence', evidenceId: 2 });
    expect(r.problems[0]!.reason).toMatch(/does not match its acquisition record/);
  });

  it('detects a flipped byte in a compressed chunk', async () => {
    const { tamper, verify } = await caseWithHistory();
    tamper((db) => {
      const row = db.prepare('SELECT id, data FROM evidence_chunks WHERE evidence_id = 3').get() as { id: number; data: Buffer };
      row.data[row.data.length >> 1] = row.data[row.data.length >> 1]! ^ 0x10;
      db.prepare('UPDATE evidence_chunks SET data = ? WHERE id = ?').run(row.data, row.id);
    });
    expect(verify().problems).toEqual([expect.objectContaining({ kind: 'evidence', evidenceId: 3 })]);
  });

  it('detects a missing chunk', async () => {
    const { tamper, verify } = await caseWithHistory();
    tamper((db) => db.exec('DELETE FROM evidence_chunks WHERE evidence_id = 1 AND seq = 3'));
    expect(verify().problems[0]!.reason).toMatch(/evidence item 1: .*bytes stored/);
  });
});
