// Two copies of the same records, one poorer: the fuller copy is what the case shows, whichever
// came first, and both stay linked (forensic invariant 4).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importHuman, importJson } from '../../src/cli/commands/import';
import { refreshIndexes } from '../../src/core/analyze/freshness';
import { importPaths } from '../../src/core/ingest';
import { valueCount } from '../../src/core/store/derived-repo';
import { eventById } from '../../src/core/store/events-repo';
import { tempCase } from '../helpers/case';
import { custody } from '../helpers/import';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const SAMPLES = join(import.meta.dirname, '..', '..', '..', 'shared', 'samples');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function fresh() {
  const t = tempCase();
  cleanups.push(t.cleanup);
  return t;
}

function eventByKey(t: ReturnType<typeof fresh>, key: string) {
  const id = t.session.db.prepare('SELECT id FROM events WHERE record_key = ?').pluck(true).get(key) as number;
  return eventById(t.session.db, id)!;
}

function sightings(t: ReturnType<typeof fresh>, eventId: number): unknown[] {
  return t.session.db.prepare('SELECT evidence_id, record_index FROM event_sightings WHERE event_id = ? ORDER BY 1, 2').all(eventId);
}

/**
 * The Entra portal CSV fixture's first sign-in, and the same sign-in as Graph returns it (the JSON
 * fixture's record under the CSV row's request id, from another address).
 */
function signinCopies(): { csv: string; json: string; id: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mailtrail-copies-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const csv = join(FIXTURES, 'entra-signin-csv', 'InteractiveSignIns_2026-01-24.csv');
  const id = readFileSync(csv, 'utf8').split(/\r?\n/)[1]!.split(',')[1]!;
  const record = (JSON.parse(readFileSync(join(FIXTURES, 'entra-signin-json', 'signins.json'), 'utf8')) as Record<string, unknown>[])[0]!;
  const json = join(dir, 'signins-graph.json');
  writeFileSync(json, JSON.stringify({ value: [{ ...record, id, ipAddress: '203.0.113.77' }] }));
  return { csv, json, id };
}

describe('a fuller copy of a record already in the case', () => {
  it('Entra: the Graph record replaces the portal CSV row; the counts and histograms follow', async () => {
    const t = fresh();
    const { csv, json, id } = signinCopies();
    const first = await importPaths(t.session, [csv]);
    const before = eventByKey(t, `signin:${id}`);
    expect(before.clientIp).toBe('185.73.124.135');
    refreshIndexes(t.session.db); // the derived tables count the CSV row's address
    expect(valueCount(t.session.db, 'ip', '185.73.124.135')).toBe(1);

    const second = await importPaths(t.session, [json]);
    expect(second.files[0]).toMatchObject({ format: 'graph-signins', read: 1, imported: 0, duplicates: 1, upgraded: 1, quarantined: 0 });
    expect(second).toMatchObject({ duplicates: 1, upgraded: 1 });
    expect(importJson(second)).toMatchObject({ files: [{ duplicates: 1, upgraded: 1 }], duplicates: 1, upgraded: 1 });
    expect(importHuman(second, new Map()).at(-1)).toBe(
      'total: 1 file, read 1, imported 0, duplicates 1 (1 replaced a poorer copy), quarantined 0',
    );
    const after = eventByKey(t, `signin:${id}`);
    expect(after.id).toBe(before.id);
    expect(after).toMatchObject({ clientIp: '203.0.113.77', evidenceId: second.files[0]!.evidenceId, recordIndex: 0 });
    expect(JSON.parse(after.raw)).toMatchObject({ id, location: { city: 'Amsterdam' } });
    // The replaced row, and the row the CSV repeats it in (the fixture holds it twice).
    expect(sightings(t, after.id)).toEqual([
      { evidence_id: first.files[0]!.evidenceId, record_index: 0 },
      { evidence_id: first.files[0]!.evidenceId, record_index: 2 },
    ]);
    expect(before.recordIndex).toBe(0);
    // The journal says which event changed and where the replaced copy is.
    expect(custody(t.session, 'import.evidence').at(-1)).toMatchObject({
      duplicates: 1,
      upgraded: 1,
      upgraded_events: [
        { event_id: after.id, replaced_evidence_id: first.files[0]!.evidenceId, replaced_record_index: before.recordIndex, loss_after: 0 },
      ],
    });
    refreshIndexes(t.session.db);
    expect(valueCount(t.session.db, 'ip', '185.73.124.135')).toBeUndefined();
    expect(valueCount(t.session.db, 'ip', '203.0.113.77')).toBe(1);
    expect(t.session.db.prepare(`SELECT sum(n) FROM value_counts WHERE dim = 'source'`).pluck(true).get()).toBe(
      t.session.db.prepare('SELECT count(*) FROM events').pluck(true).get(),
    );

    // Again, and the CSV again: nothing changes.
    const again = await importPaths(t.session, [json, csv]);
    expect(again).toMatchObject({ imported: 0, duplicates: first.read + 1 });
    expect(again.upgraded).toBeUndefined();
    expect(eventByKey(t, `signin:${id}`).clientIp).toBe('203.0.113.77');
  });

  it('journals every replacement: a thousand an entry as the import goes, the rest with the file, on either path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailtrail-copies-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const n = 2_345;
    // MailItemsAccessed records, first as PowerShell cut them (FolderItems written as its type name), then whole.
    const record = (i: number, items: unknown) =>
      JSON.stringify({
        Id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        CreationTime: '2026-01-24T07:10:00',
        Operation: 'MailItemsAccessed',
        RecordType: 50,
        UserId: 'ceo@contoso.com',
        Workload: 'Exchange',
        Folders: [{ Path: '\\Inbox', FolderItems: items }],
      });
    const cut = join(dir, 'cut.jsonl');
    const whole = join(dir, 'whole.jsonl');
    writeFileSync(cut, Array.from({ length: n }, (_, i) => record(i, 'System.Object[]')).join('\n'));
    writeFileSync(whole, Array.from({ length: n }, (_, i) => record(i, [{ InternetMessageId: `<${i}@contoso.com>` }])).join('\n'));
    for (const parseThread of [false, true]) {
      const t = fresh();
      await importPaths(t.session, [cut], { parseThread });
      const second = await importPaths(t.session, [whole], { parseThread });
      expect(second).toMatchObject({ duplicates: n, upgraded: n });
      const evidenceId = second.files[0]!.evidenceId;
      const entries = custody(t.session, 'import.replaced') as { evidence_id: number; upgraded_events: { event_id: number }[] }[];
      expect(entries.map((e) => [e.evidence_id, e.upgraded_events.length])).toEqual([
        [evidenceId, 1000],
        [evidenceId, 1000],
      ]);
      const last = custody(t.session, 'import.evidence').at(-1) as {
        upgraded: number;
        replaced_entries: number;
        upgraded_events: { event_id: number }[];
      };
      expect(last).toMatchObject({ upgraded: n, replaced_entries: 2 });
      expect(last.upgraded_events).toHaveLength(n - 2000);
      // Every event once.
      const ids = [...entries.flatMap((e) => e.upgraded_events), ...last.upgraded_events].map((u) => u.event_id);
      expect(new Set(ids).size).toBe(n);
      expect(t.session.db.prepare('SELECT count(*) FROM events').pluck(true).get()).toBe(n);

      // In batches of 700, cancelled after the second: each committed batch journaled its own
      // replacements, and the journal names exactly the events the case now shows from the whole copy.
      const c = fresh();
      await importPaths(c.session, [cut], { parseThread });
      const controller = new AbortController();
      await expect(
        importPaths(c.session, [whole], {
          parseThread,
          batchRecords: 700,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase === 'parsing' && p.records >= 1400) controller.abort();
          },
        }),
      ).rejects.toThrow(/cancelled/);
      const replaced = c.session.db
        .prepare(`SELECT id FROM events WHERE evidence_id = (SELECT max(id) FROM evidence_items) ORDER BY id`)
        .pluck(true)
        .all();
      expect(replaced.length).toBeGreaterThanOrEqual(1400);
      expect(replaced.length).toBeLessThan(n);
      const journaled = (custody(c.session, 'import.replaced') as { upgraded_events: { event_id: number }[] }[]).flatMap((e) =>
        e.upgraded_events.map((u) => u.event_id),
      );
      expect(journaled.sort((a, b) => a - b)).toEqual(replaced);
    }
  });

  it('Entra: the portal CSV row after the Graph record is only a sighting', async () => {
    const t = fresh();
    const { csv, json, id } = signinCopies();
    const first = await importPaths(t.session, [json]);
    const second = await importPaths(t.session, [csv]);
    expect(second.files[0]).toMatchObject({ duplicates: 2 }); // the row and its repetition
    expect(second.upgraded).toBeUndefined();
    const e = eventByKey(t, `signin:${id}`);
    expect(e).toMatchObject({ clientIp: '203.0.113.77', evidenceId: first.files[0]!.evidenceId });
    expect(sightings(t, e.id)).toHaveLength(2);
  });

  it.skipIf(!existsSync(SAMPLES))('UAL (real samples): Sentinel’s whole record replaces Defender’s copy that PowerShell cut', async () => {
    const defender = join(SAMPLES, 'otrf-security-datasets', 'Microsoft365DefenderEvents.json');
    const sentinel = join(SAMPLES, 'otrf-security-datasets', 'OfficeActivityEvents.json');
    const key = 'ual:699e0b10-1c53-403e-976f-ce0847a92b44';
    for (const order of [
      [defender, sentinel],
      [sentinel, defender],
    ]) {
      const t = fresh();
      const report = await importPaths(t.session, order);
      for (const f of report.files) expect(f.read).toBe(f.imported + f.duplicates + f.quarantined);
      const e = eventByKey(t, key);
      const fromSentinel = report.files.find((f) => f.path === sentinel)!.evidenceId;
      expect(e.evidenceId).toBe(fromSentinel);
      expect(e.raw).not.toContain('System.Object[]');
      expect(e.summary).toBe('MailItemsAccessed Bind of Inbox (7 items) from 1.2.3.4');
      expect(sightings(t, e.id)).toEqual([
        { evidence_id: report.files.find((f) => f.path === defender)!.evidenceId, record_index: expect.any(Number) },
      ]);
      expect(report.upgraded).toBe(order[0] === defender ? 1 : undefined);
    }
  });
});
