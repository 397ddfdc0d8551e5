// The parse thread (`ingest/parse-worker.ts`) is an optimisation, never a difference: every fixture
// format, and a synthetic export spanning many messages and batches, imports into the same rows
// (events, payloads, sightings, quarantine, parsed counts, journal entries) whether parsed in a second thread or in
// the writing thread. A worker that cannot start falls back to parsing in the writing thread.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { syntheticPurview } from '../../bench/import.bench';
import type { CaseSession } from '../../src/core/case/case-file';
import { importPaths } from '../../src/core/ingest';
import { ParseThread, setParseWorkerEntry } from '../../src/core/ingest/parse-thread';
import { tempCase, tempDir } from '../helpers/case';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const cleanups: (() => void)[] = [];
afterEach(() => {
  setParseWorkerEntry(null);
  vi.restoreAllMocks();
  cleanups.splice(0).forEach((c) => c());
});

/** Every fixture file (archives included: their members go through the same path). */
function fixtureFiles(dir = FIXTURES): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? fixtureFiles(full) : [full];
  });
}

/** What an import leaves in the case. */
function snapshot(session: CaseSession): Record<string, unknown[]> {
  const all = (sql: string): unknown[] => session.db.prepare(sql).all();
  return {
    events: all(
      `SELECT e.id, e.ts_us, e.operation, e.actor, e.mailbox, e.client_ip, e.record_key, e.record_index, e.summary, e.country,
              p.raw, p.attrs FROM events e JOIN event_payloads p ON p.event_id = e.id ORDER BY e.id`,
    ),
    sightings: all('SELECT * FROM event_sightings ORDER BY 1, 2, 3'),
    quarantine: all('SELECT evidence_id, record_index, location, reason, raw FROM quarantine ORDER BY evidence_id, record_index'),
    items: all('SELECT id, sha256, parsed_count FROM evidence_items ORDER BY id'),
    journal: all(`SELECT action, details FROM custody WHERE action LIKE 'import.%' ORDER BY seq`),
  };
}

async function importInto(paths: string[], parseThread: boolean, batchRecords?: number) {
  const t = tempCase();
  cleanups.push(t.cleanup);
  const report = await importPaths(t.session, paths, { parseThread, batchRecords });
  return { report, snap: snapshot(t.session) };
}

describe('parsing in a second thread', () => {
  it('imports every fixture exactly as parsing in the writing thread does', async () => {
    const files = fixtureFiles().filter((f) => !f.endsWith('.md'));
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const here = await importInto([file], false);
      const threaded = await importInto([file], true);
      expect(threaded.report, relative(FIXTURES, file)).toEqual(here.report);
      expect(threaded.snap, relative(FIXTURES, file)).toEqual(here.snap);
    }
  }, 120_000);

  describe('with a synthetic export of many messages and batches', () => {
    const { dir, cleanup } = tempDir();
    afterAll(cleanup);
    const input = join(dir, 'purview.csv');
    const N = 4_000;
    const gen = syntheticPurview(5);
    // A duplicate and a broken row in the middle: sightings and quarantine positions must agree too.
    const rows = Array.from({ length: N }, (_, i) => gen.record(i, N).row);
    rows.splice(1500, 0, rows[10]!, 'not-a-record,2026-01-01\r\n');
    writeFileSync(input, gen.header + rows.join(''));

    it('writes the same rows, sightings and quarantine', async () => {
      const here = await importInto([input], false, 700);
      const messages = vi.spyOn(ParseThread.prototype, 'next');
      const threaded = await importInto([input], true, 700);
      // The records really crossed threads: several messages (500 records each), then the end.
      expect(messages.mock.calls.length).toBeGreaterThan(8);
      expect(here.report.read).toBe(N + 2);
      expect(here.report.duplicates).toBe(1);
      expect(here.report.quarantined).toBeGreaterThanOrEqual(1);
      expect(threaded.report).toEqual(here.report);
      expect(threaded.snap).toEqual(here.snap);
    }, 60_000);

    it('falls back to the writing thread when the worker cannot start', async () => {
      setParseWorkerEntry(join(dir, 'no-such-parse-worker.js'));
      const here = await importInto([input], false);
      const messages = vi.spyOn(ParseThread.prototype, 'next');
      const fallback = await importInto([input], true);
      expect(messages).not.toHaveBeenCalled();
      expect(fallback.report).toEqual(here.report);
      expect(fallback.snap.events).toHaveLength(here.report.imported);
    }, 60_000);
  });
});
