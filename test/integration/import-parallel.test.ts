// The two-thread import writes exactly what the single-thread import writes.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticPurview } from '../../bench/import.bench';
import { importPaths } from '../../src/core/ingest';
import { PARALLEL_ABOVE } from '../../src/core/ingest/ingest-evidence';
import { tempCase } from '../helpers/case';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function writeExport(file: string, n: number): Promise<void> {
  const gen = syntheticPurview(5);
  const out = createWriteStream(file);
  out.write(gen.header);
  for (let i = 0; i < n; i++) {
    let row = gen.record(i, n).row;
    if (i === 7) row = row.replace('"{', '"{broken'); // one quarantined record
    if (!out.write(row)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function digest(db: ReturnType<typeof tempCase>['session']['db']): string {
  const h = createHash('sha256');
  const cols =
    'ts_us, source, record_type, operation, category, actor, mailbox, client_ip, user_agent, client_app, app_id, session_id, token_id, device_id, result, object, summary, record_key, record_index, raw, attrs';
  for (const r of db.prepare(`SELECT ${cols} FROM events ORDER BY record_index`).raw(true).iterate()) h.update(JSON.stringify(r));
  for (const r of db.prepare('SELECT record_index, location, reason, raw FROM quarantine ORDER BY record_index').raw(true).iterate())
    h.update(JSON.stringify(r));
  for (const r of db.prepare('SELECT rowid, summary FROM events_fts ORDER BY rowid').raw(true).iterate()) h.update(JSON.stringify(r));
  return h.digest('hex');
}

describe('two-thread import', () => {
  it('gives the same events, quarantine and full-text index as one thread', async () => {
    const a = tempCase();
    const b = tempCase();
    cleanups.push(a.cleanup, b.cleanup);
    const input = join(a.dir, 'export.csv');
    await writeExport(input, 14_000);
    const single = await importPaths(a.session, [input], { parallel: false, batchRecords: 3000 });
    const parallel = await importPaths(b.session, [input], { parallel: true, batchRecords: 3000 });
    expect(single.files[0]!.bytes).toBeGreaterThan(PARALLEL_ABOVE);
    expect(parallel).toEqual(single);
    expect(single).toMatchObject({ read: 14_000, quarantined: 1 });
    expect(digest(b.session.db)).toBe(digest(a.session.db));
    const journal = (s: typeof a.session) =>
      s.journal
        .list(0, 100)
        .filter((e) => e.action === 'import.evidence')
        .map((e) => e.details);
    expect(journal(b.session)).toEqual(journal(a.session));
  }, 180_000);
});
