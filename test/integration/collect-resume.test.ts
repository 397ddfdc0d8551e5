/**
 * Crash safety of collection through the real CLI: `mailtrail collect` runs in a child process
 * against the in-process emulator (faults on) and is killed with SIGKILL at random points, then
 * continued with `--resume` until it completes. The final case holds exactly the scenario's records
 * (no duplicates, nothing missing) and `mailtrail verify` passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../../src/core/case/case-file';
import { listCollectionRuns } from '../../src/core/store/collect-repo';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { tempCase } from '../helpers/case';
import { mailtrail } from '../helpers/cli';
import { collectedKeys, emulatorTuning, missing, runCli as run, truthKeys, type ChildRun } from './collect-support';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ scenario: 'bec-basic', seed: 7, users: 6, days: 10, faults: 'flaky' });
});
afterAll(async () => {
  await emu?.stop();
});

/** A deterministic pseudo-random sequence (the kill points are reproducible). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

describe('collect --resume after SIGKILL (CLI, flaky faults)', () => {
  it('ends with the same records as the truth, no duplicates, and a case that verifies', async () => {
    const t = tempCase();
    t.session.close();
    try {
      const sources = ['ual', 'mgmt', 'signins', 'audits'] as const;
      const common = [
        t.file,
        '--tenant',
        emu.tenantId,
        '--client-id',
        emu.clientId,
        '--cert',
        emu.certFile,
        '--key',
        emu.keyFile,
        '--authority-host',
        emu.hosts.authority,
        '--graph-host',
        emu.hosts.graph,
        '--manage-host',
        emu.hosts.manage,
        '--outlook-host',
        emu.hosts.outlook,
        '--ca-file',
        emu.caFile,
        '--tuning',
        JSON.stringify({ ...emulatorTuning(emu), ualQueryTimeoutMs: 1500, ualSafeSize: 400, ualWindowMs: 2 * 86_400_000, taskAttempts: 4 }),
        '--json',
      ];
      const first = ['collect', ...common, '--sources', sources.join(','), '--from', emu.from, '--to', emu.to];
      const resume = ['collect', ...common, '--resume'];
      const env = { MAILTRAIL_PASSPHRASE: t.passphrase };
      const random = lcg(20261127);
      let kills = 0;
      let started = false;
      let finished: ChildRun | null = null;
      // A kill can land after a (short) resumed run completed but before its process exited: the
      // case then holds a completed run and there is nothing left to resume.
      let completedWhenKilled = false;
      for (let i = 0; i < 6 && !finished && !completedWhenKilled && kills < 3; i++) {
        // Node + tsx start in about a second; kill somewhere in the collection that follows.
        const r = await run(started ? resume : first, env, 1200 + Math.floor(random() * 2500));
        if (r.signal === 'SIGKILL') {
          kills++;
          // Killed before it recorded the run (still starting up): the next attempt starts it again.
          const probe = openCase({ file: t.file, passphrase: t.passphrase, cleanupIncomplete: false });
          const runs = listCollectionRuns(probe.db);
          probe.close();
          started = runs.length > 0;
          completedWhenKilled = runs.length === 1 && runs[0]!.state === 'completed';
        } else finished = r;
      }
      expect(kills, finished?.stderr).toBeGreaterThan(0);
      if (!completedWhenKilled) {
        finished ??= await run(resume, env, null);
        expect(finished.stderr).toBe('');
        expect(finished.status).toBe(0);
        const summary = JSON.parse(finished.stdout) as { state: string; resumed: boolean };
        expect(summary.state).toBe('completed');
      }

      const s = openCase({ file: t.file, passphrase: t.passphrase });
      try {
        const runs = listCollectionRuns(s.db);
        expect(runs).toHaveLength(1);
        expect(runs[0]!.state).toBe('completed');
        const diff: Record<string, { missing: string[]; extra: string[] }> = {};
        for (const source of sources) {
          const want = truthKeys(emu, source);
          const got = await collectedKeys(s, source);
          diff[source] = { missing: missing(want, got), extra: missing(got, want) };
        }
        expect(diff).toEqual(Object.fromEntries(sources.map((x) => [x, { missing: [], extra: [] }])));
        // No duplicate events, and the journal records the kills' resumes.
        const dup = s.db
          .prepare('SELECT count(*) AS n FROM (SELECT record_key FROM events GROUP BY record_key HAVING count(*) > 1)')
          .get() as { n: number };
        expect(dup.n).toBe(0);
        const actions = s.journal.list(0, 100_000).map((e) => e.action);
        expect(actions.filter((a) => a === 'collect.resume').length).toBeGreaterThanOrEqual(1);
      } finally {
        s.close();
      }
      const verify = mailtrail(['verify', t.file, '--json'], env);
      expect(verify.status).toBe(0);
      expect(verify.json()['ok']).toBe(true);
    } finally {
      t.cleanup();
    }
  }, 240_000);
});
