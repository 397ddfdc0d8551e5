import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticPurview } from '../../../bench/import.bench';
import { tempCase } from '../../../test/helpers/case';
import type { Progress } from '../../shared/model/progress';
import { inputSchema } from '../../shared/ipc/contract';
import { createCore } from '../index';
import { resolveWorkerEntry, runJob } from './runner';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function bigExport(file: string, n: number): Promise<void> {
  const gen = syntheticPurview(3);
  const out = createWriteStream(file);
  out.write(gen.header);
  for (let i = 0; i < n; i++) if (!out.write(gen.record(i, n).row)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

describe('job runner', () => {
  it('starts the TypeScript worker through tsx under vitest', () => {
    expect(resolveWorkerEntry()).toMatchObject({ kind: 'tsx', source: expect.stringMatching(/jobs\/worker\.ts$/) });
  });

  it('runs an import in a worker thread with its own connection and reports progress', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const progress: Progress[] = [];
    const report = await runJob(
      t.session,
      'import',
      { paths: [join(FIXTURES, 'purview-csv/new-layout.csv')] },
      { jobId: 'j1', onProgress: (p) => progress.push(p) },
    );
    expect(report).toMatchObject({ read: 11, imported: 10, duplicates: 1, quarantined: 0 });
    // The main connection sees what the worker wrote.
    expect(t.session.db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 10 });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.jobId === 'j1')).toBe(true);
    expect(progress.at(-1)?.phase).toBe('indexing');
  });

  it('reports unreadable paths per file', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const report = await runJob(t.session, 'import', { paths: [join(t.dir, 'missing.csv')] }, { jobId: 'j2' });
    expect(report.files[0]?.error).toMatch(/ENOENT/);
  });

  it('cancels: the committed batches stay consistent and the cancellation is journaled', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const input = join(t.dir, 'big.csv');
    await bigExport(input, 30_000);
    const controller = new AbortController();
    const run = runJob(
      t.session,
      'import',
      { paths: [input], batchRecords: 1000 },
      {
        jobId: 'j3',
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'parsing') controller.abort();
        },
      },
    );
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    const actions = t.session.journal.list(0, 100).map((e) => e.action);
    expect(actions).toContain('evidence.add');
    expect(actions).toContain('import.cancelled');
    const n = (t.session.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    expect(n).toBeLessThan(30_000);
  }, 120_000);
});

describe('import contract handlers', () => {
  it('import:start runs in a worker and pushes import:progress; formats, evidence and quarantine are listed', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const pushed: unknown[] = [];
    const core = createCore({ emit: (event, payload) => pushed.push([event, payload]) });
    core.adopt(t.session);
    const report = await core.handlers['import:start']({ jobId: 'ui-1', paths: [join(FIXTURES, 'purview-csv/broken-row.csv')] });
    expect(report).toMatchObject({ read: 4, imported: 2, quarantined: 2 });
    expect(
      pushed.some(
        (p) => (p as [string, { jobId: string }])[0] === 'import:progress' && (p as [string, { jobId: string }])[1].jobId === 'ui-1',
      ),
    ).toBe(true);
    const formats = await core.handlers['import:formats']({});
    expect(formats.formats.map((f) => f.id)).toContain('purview-csv');
    const ev = await core.handlers['evidence:list']({});
    expect(ev.items).toHaveLength(1);
    expect(ev.items[0]).toMatchObject({ kind: 'file', parsedCount: 4, sightings: [] });
    const q = await core.handlers['quarantine:list']({ evidenceId: ev.items[0]!.id, limit: 1 });
    expect(q).toMatchObject({ total: 2, items: [{ location: 'line 3', recordIndex: 1 }] });
    const next = await core.handlers['quarantine:list']({ afterId: q.items[0]!.id });
    expect(next.items.map((i) => i.location)).toEqual(['line 4']);
    expect(await core.handlers['import:cancel']({ jobId: 'nothing' })).toEqual({ cancelled: false });
    core.dispose();
  });

  it('import:start hands archive passwords to the worker, and the contract bounds them', async () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const core = createCore({ emit: () => undefined });
    core.adopt(t.session);
    const zip = join(FIXTURES, 'archives/encrypted/aes256.zip');
    const report = await core.handlers['import:start']({ jobId: 'ui-2', paths: [zip], archivePasswords: ['wrong', 'infected'] });
    expect(report.files.filter((f) => f.error !== undefined)).toEqual([]);
    expect(report.imported).toBeGreaterThan(0);
    core.dispose();
    const input = inputSchema('import:start');
    expect(input.safeParse({ jobId: 'j', paths: ['/a.zip'], archivePasswords: ['infected'] }).success).toBe(true);
    expect(input.safeParse({ jobId: 'j', paths: ['/a.zip'], archivePasswords: [''] }).success).toBe(false);
    expect(input.safeParse({ jobId: 'j', paths: ['/a.zip'], archivePasswords: ['x'.repeat(1025)] }).success).toBe(false);
    expect(
      input.safeParse({ jobId: 'j', paths: ['/a.zip'], archivePasswords: Array.from({ length: 101 }, (_, i) => `p${i}`) }).success,
    ).toBe(false);
  });
});
