/**
 * Collection through the contract, as the app drives it: `collect:start` runs the `collect` job in a
 * worker thread, pushes `collect:device-code` and `collect:progress`, resolves with the summary;
 * `collect:runs` lists the run; `collect:cancel` stops a running collection (resumable).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/core';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import type { PushEvent, PushPayload } from '../../src/shared/ipc/contract';
import { tempDir } from '../helpers/case';
import { collectedKeys, missing, truthKeys } from './collect-support';
import { join } from 'node:path';

let emu: RunningEmulator;
beforeAll(async () => {
  // Throttling and server errors, but no stuck audit queries: the contract takes no tuning, so a
  // stuck query would wait out the real 4 h timeout.
  emu = await startEmulator({
    scenario: 'bec-basic',
    seed: 7,
    users: 4,
    days: 5,
    faults: {
      name: 'throttled',
      rules: [
        { target: '*', kind: 'throttle', rate: 0.1 },
        { target: '*', kind: 'error503', rate: 0.02 },
      ],
    },
    deviceCodeIntervalSec: 0.2,
  });
});
afterAll(async () => {
  await emu?.stop();
});

describe('collect:start / collect:runs / collect:cancel', () => {
  it('collects in a worker with one device-code sign-in for two resources, pushing the prompt and progress', async () => {
    const { dir, cleanup } = tempDir();
    const events: { event: PushEvent; payload: unknown }[] = [];
    const core = createCore({ emit: <E extends PushEvent>(event: E, payload: PushPayload<E>) => void events.push({ event, payload }) });
    try {
      await core.handlers['case:create']({ file: join(dir, 'c.mtcase'), name: 'c', examiner: 'e', passphrase: 'pw' });
      const users = emu.users.slice(0, 2);
      const result = await core.handlers['collect:start']({
        tenant: emu.tenantId,
        clientId: emu.clientId,
        auth: { mode: 'device-code' },
        sources: ['mailbox', 'activities'],
        users,
        from: emu.from,
        to: emu.to,
        hosts: emu.hosts,
        caFile: emu.caFile,
        jobId: 'job-1',
      });
      expect(result.state).toBe('completed');
      const prompts = events.filter((e) => e.event === 'collect:device-code').map((e) => e.payload as { jobId: string; userCode: string });
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).toMatchObject({ jobId: 'job-1', userCode: expect.stringMatching(/\S/) });
      const progress = events.filter((e) => e.event === 'collect:progress').map((e) => e.payload as { source: string; records: number });
      expect(new Set(progress.map((p) => p.source))).toEqual(new Set(['mailbox', 'activities']));
      const session = core.current()!;
      for (const source of ['mailbox', 'activities'] as const) {
        const want = truthKeys(emu, source, users);
        const got = await collectedKeys(session, source);
        expect({ source, missing: missing(want, got), extra: missing(got, want) }).toEqual({ source, missing: [], extra: [] });
      }
      const runs = await core.handlers['collect:runs']({});
      expect(runs.runs).toEqual([expect.objectContaining({ id: result.runId, state: 'completed', authMode: 'device-code', users })]);
      expect(JSON.stringify(runs)).not.toMatch(/BEGIN (RSA )?PRIVATE KEY/);
    } finally {
      core.dispose();
      cleanup();
    }
  });

  it('cancels a running collection and resumes it to the same records', async () => {
    const { dir, cleanup } = tempDir();
    const core = createCore({});
    try {
      await core.handlers['case:create']({ file: join(dir, 'c.mtcase'), name: 'c', examiner: 'e', passphrase: 'pw' });
      const input = {
        tenant: emu.tenantId,
        clientId: emu.clientId,
        auth: { mode: 'certificate' as const, certFile: emu.certFile, keyFile: emu.keyFile },
        sources: ['activities' as const],
        users: emu.users,
        from: emu.from,
        to: emu.to,
        hosts: emu.hosts,
        caFile: emu.caFile,
      };
      const running = core.handlers['collect:start']({ ...input, jobId: 'job-2' });
      await new Promise((r) => setTimeout(r, 1500));
      expect(await core.handlers['collect:cancel']({ jobId: 'other' })).toEqual({ cancelled: false });
      const cancelled = await core.handlers['collect:cancel']({ jobId: 'job-2' });
      const first = await running;
      // Either it was still running (cancelled, resumable) or it finished first: a cancel accepted
      // after the last page was written still lets the run complete.
      expect(first.state).toMatch(cancelled.cancelled ? /^(cancelled|completed)$/ : /^completed$/);
      const final = first.state === 'completed' ? first : await core.handlers['collect:start']({ ...input, resume: true });
      expect(final.state).toBe('completed');
      expect(final.runId).toBe(first.runId);
      const want = truthKeys(emu, 'activities', emu.users);
      const got = await collectedKeys(core.current()!, 'activities');
      expect({ missing: missing(want, got), extra: missing(got, want) }).toEqual({ missing: [], extra: [] });
    } finally {
      core.dispose();
      cleanup();
    }
  });
});
