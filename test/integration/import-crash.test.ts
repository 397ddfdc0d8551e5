// A `mailtrail import` killed (SIGKILL) in the middle of parsing leaves a consistent case: the
// committed batches stay, nothing half-written remains, a re-run completes the import with counts
// that add up, the full-text index covers every event, and `mailtrail verify` passes. In bulk index
// mode the kill leaves the event indexes dropped: the next open rebuilds them and journals it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticPurview } from '../../bench/import.bench';
import { openCase } from '../../src/core/case/case-file';
import { EVENT_INDEXES } from '../../src/core/store/event-indexes';
import { BIN, mailtrail } from '../helpers/cli';
import { tempDir } from '../helpers/case';
import { rawOpen } from '../helpers/raw-db';

const N = 12_000;
const env = { MAILTRAIL_PASSPHRASE: 'crash test', MAILTRAIL_IMPORT_BATCH_RECORDS: '500' };

async function writeExport(file: string): Promise<void> {
  const gen = syntheticPurview(11);
  const out = createWriteStream(file);
  out.write(gen.header);
  for (let i = 0; i < N; i++) if (!out.write(gen.record(i, N).row)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

function count(file: string, sql: string): number {
  const db = rawOpen(file, env.MAILTRAIL_PASSPHRASE);
  try {
    db.pragma('busy_timeout=10000');
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** SIGKILLs `child` once the case holds `events` committed events (or it exits); returns the count seen. */
async function killOnceCommitted(child: ChildProcess, file: string, events: number): Promise<number> {
  const exited = once(child, 'exit');
  let committed = 0;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    if (child.exitCode !== null) break;
    try {
      committed = count(file, 'SELECT count(*) AS n FROM events');
    } catch {
      continue; // locked while a batch or group commits
    }
    if (committed >= events) break;
  }
  child.kill('SIGKILL');
  await exited;
  return committed;
}

function eventIndexCount(file: string): number {
  const names = EVENT_INDEXES.map((i) => `'${i.name}'`).join(', ');
  return count(file, `SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name IN (${names})`);
}

describe.each([
  { mode: 'with the indexes maintained', bulk: 'off' },
  { mode: 'in bulk index mode', bulk: 'on' },
])('crash in the middle of an import $mode', ({ bulk }) => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  const file = join(dir, 'crash.mtcase');
  const input = join(dir, 'purview.csv');

  it('is consistent after SIGKILL and a re-run completes it', async () => {
    await writeExport(input);
    expect(mailtrail(['case', 'create', file, '--name', 'Crash', '--examiner', 'E'], env).status).toBe(0);

    const child = spawn(process.execPath, [BIN, 'import', file, input, '--json'], {
      env: { ...process.env, ...env, MAILTRAIL_IMPORT_BULK_INDEXES: bulk },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Kill it once some batches are committed and before it finishes.
    expect(await killOnceCommitted(child, file, 1000)).toBeGreaterThanOrEqual(1000);
    const before = count(file, 'SELECT count(*) AS n FROM events');
    expect(before).toBeLessThan(N);
    // Whole batches only: the committed records are exactly the first `before` of the file.
    expect(count(file, 'SELECT coalesce(max(record_index) + 1, 0) AS n FROM events')).toBe(before);

    // Bulk mode dropped the indexes before the first batch; the kill left them dropped.
    expect(eventIndexCount(file)).toBe(bulk === 'on' ? 0 : EVENT_INDEXES.length);

    // Opening the case again (read-write) must succeed, restore every index and leave it verifiable.
    const s = openCase({ file, passphrase: env.MAILTRAIL_PASSPHRASE });
    const restored = s.journal.list().filter((e) => e.action === 'case.restore-indexes');
    s.close();
    expect(eventIndexCount(file)).toBe(EVENT_INDEXES.length);
    expect(restored.map((e) => e.details)).toEqual(
      bulk === 'on' ? [expect.objectContaining({ indexes: EVENT_INDEXES.map((i) => i.name) })] : [],
    );
    expect(mailtrail(['verify', file], env).status).toBe(0);

    const rerun = mailtrail(['import', file, input, '--json'], { ...env, MAILTRAIL_IMPORT_BULK_INDEXES: bulk });
    expect(rerun.status).toBe(0);
    const report = rerun.json() as { read: number; imported: number; duplicates: number; quarantined: number };
    expect(report).toMatchObject({ read: N, imported: N - before, duplicates: before, quarantined: 0 });
    expect(count(file, 'SELECT count(*) AS n FROM events')).toBe(N);
    expect(
      count(
        file,
        "SELECT count(*) AS n FROM events_fts WHERE events_fts MATCH 'MailItemsAccessed OR UserLoggedIn OR UserLoginFailed OR Send OR SoftDelete OR FileAccessed OR NewInboxRule OR SetMailbox OR Update OR Consent'",
      ),
    ).toBeGreaterThan(N * 0.9);
    expect(count(file, "SELECT count(*) AS n FROM evidence_items WHERE state = 'staging'")).toBe(0);
    expect(eventIndexCount(file)).toBe(EVENT_INDEXES.length);
    expect(count(file, 'SELECT count(*) AS n FROM event_payloads')).toBe(N);
    const v = mailtrail(['verify', file], env);
    expect(v.status).toBe(0);
  }, 240_000);
});

// Small inputs share commit groups (ingest/commit-group.ts): a kill loses the open group only, so
// every stored input keeps all its records, and a re-run imports the rest.
describe('crash in the middle of an import of many small files', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  const FILES = 400;
  const PER_FILE = 50;
  const total = FILES * PER_FILE;
  const file = join(dir, 'crash.mtcase');
  const folder = join(dir, 'extractor-suite');

  it('keeps whole inputs only, and a re-run completes it', async () => {
    mkdirSync(folder);
    const gen = syntheticPurview(17);
    for (let f = 0; f < FILES; f++) {
      const lines: string[] = [];
      for (let k = 0; k < PER_FILE; k++) lines.push(gen.record(f * PER_FILE + k, total).auditData);
      writeFileSync(join(folder, `UAL-${String(f).padStart(4, '0')}.jsonl`), `${lines.join('\n')}\n`);
    }
    expect(mailtrail(['case', 'create', file, '--name', 'Crash', '--examiner', 'E'], env).status).toBe(0);

    const child = spawn(process.execPath, [BIN, 'import', file, folder, '--json'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(await killOnceCommitted(child, file, 1000)).toBeGreaterThanOrEqual(1000);
    const before = count(file, 'SELECT count(*) AS n FROM events');
    expect(before).toBeLessThan(total);
    // Whole inputs only: each stored export has all its records, none is stored without them.
    expect(
      count(file, `SELECT count(*) AS n FROM (SELECT evidence_id FROM events GROUP BY evidence_id HAVING count(*) <> ${PER_FILE})`),
    ).toBe(0);
    expect(count(file, 'SELECT count(*) AS n FROM evidence_items')).toBe(before / PER_FILE);
    expect(mailtrail(['verify', file], env).status).toBe(0);

    const rerun = mailtrail(['import', file, folder, '--json'], env);
    expect(rerun.status).toBe(0);
    const report = rerun.json() as { read: number; imported: number; duplicates: number; quarantined: number };
    expect(report).toMatchObject({ read: total, imported: total - before, duplicates: before, quarantined: 0 });
    expect(count(file, 'SELECT count(*) AS n FROM events')).toBe(total);
    expect(count(file, 'SELECT count(*) AS n FROM evidence_items')).toBe(FILES);
    expect(mailtrail(['verify', file], env).status).toBe(0);
  }, 240_000);
});
