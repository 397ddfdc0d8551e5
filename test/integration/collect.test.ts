/**
 * Collection against the local Microsoft 365 emulator (in-process, HTTPS on 127.0.0.1 with its test
 * CA), with faults on: for every source the collected record ids equal the scenario's truth exactly;
 * every request MSAL and the collectors made went to 127.0.0.1; the journal verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, type CollectRequest } from '../../src/core/collect';
import { verifyCase } from '../../src/core/custody/verify';
import type { RequestRecord } from '../../src/core/auth/transport';
import { listCollectionGaps } from '../../src/core/store/collect-repo';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import type { CollectProgress, DeviceCodePrompt } from '../../src/shared/model/collection';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCollect } from '../../src/cli/commands/collect';
import { importPaths } from '../../src/core/ingest';
import { tempCase } from '../helpers/case';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
import { collectedKeys, emulatorTuning, missing, truthKeys } from './collect-support';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ scenario: 'bec-basic', seed: 7, users: 6, days: 10, faults: 'flaky', tokenLifetimeSec: 20 });
});
afterAll(async () => {
  await emu?.stop();
});

function base(extra: Partial<CollectRequest> = {}): CollectRequest {
  return {
    tenant: emu.tenantId,
    clientId: emu.clientId,
    auth: { mode: 'certificate', certPem: emu.certPem, keyPem: emu.keyPem },
    fromUs: Date.parse(emu.from) * 1000,
    toUs: Date.parse(emu.to) * 1000,
    hosts: emu.hosts,
    caPem: emu.caPem,
    tuning: { ...emulatorTuning(emu), ualQueryTimeoutMs: 1500, ualSafeSize: 400, ualWindowMs: 2 * 86_400_000, taskAttempts: 4 },
    ...extra,
  };
}

describe('collect from the emulator (flaky faults)', () => {
  it('collects every tenant-wide source exactly, talking only to 127.0.0.1', async () => {
    const t = tempCase();
    try {
      const requests: RequestRecord[] = [];
      const progress: CollectProgress[] = [];
      const result = await collect(t.session, base({ sources: ['ual', 'mgmt', 'signins', 'audits'] }), {
        onRequest: (r) => requests.push(r),
        onProgress: (p) => progress.push(p),
      });
      expect(result.state).toBe('completed');
      const sources = ['ual', 'mgmt', 'signins', 'audits'] as const;
      const diff: Record<string, { missing: string[]; extra: string[] }> = {};
      for (const source of sources) {
        const want = truthKeys(emu, source);
        const got = await collectedKeys(t.session, source);
        diff[source] = { missing: missing(want, got), extra: missing(got, want) };
      }
      expect(diff).toEqual(Object.fromEntries(sources.map((x) => [x, { missing: [], extra: [] }])));
      for (const source of sources) {
        expect((await collectedKeys(t.session, source)).size).toBe(emu.truth[source]);
        const s = result.sources[source]!;
        expect(s.received).toBe(s.imported + s.duplicates + s.quarantined);
        expect(s.quarantined).toBe(0);
      }
      // The audit query windows: declared vs received recorded, and the adaptive split happened.
      expect(result.sources.ual!.declared).toBe(emu.truth.ual);
      // The Management API part older than 7 days is a recorded horizon gap.
      expect(result.sources.mgmt!.gaps.map((g) => g.kind)).toContain('horizon');
      expect(result.sources.mgmt!.duplicates).toBeGreaterThan(0);
      // Faults were met and survived.
      const stats = Object.values(result.sources);
      expect(stats.reduce((n, s) => n + s.throttled, 0)).toBeGreaterThan(0);
      expect(stats.reduce((n, s) => n + s.retries, 0)).toBeGreaterThan(0);
      // Every request (MSAL's included) went to the emulator on 127.0.0.1, and the emulator saw no other client.
      expect(requests.length).toBeGreaterThan(50);
      expect(requests.filter((r) => new URL(r.url).hostname !== '127.0.0.1')).toEqual([]);
      expect(requests.some((r) => r.url.includes('/oauth2/v2.0/token'))).toBe(true);
      expect(progress.some((p) => p.source === 'ual' && p.records > 0)).toBe(true);
      expect(verifyCase(t.session.db).ok).toBe(true);
    } finally {
      t.cleanup();
    }
  });

  it('collects mailbox state and Activities per mailbox exactly (device code sign-in)', async () => {
    const t = tempCase();
    try {
      const users = emu.users.slice(0, 4);
      const prompts: DeviceCodePrompt[] = [];
      const requests: RequestRecord[] = [];
      const result = await collect(
        t.session,
        base({
          sources: ['mailbox', 'activities'],
          users,
          auth: { mode: 'device-code', onDeviceCode: (p) => prompts.push({ jobId: 'x', ...p }) },
        }),
        { onRequest: (r) => requests.push(r) },
      );
      expect(result.state).toBe('completed');
      expect(prompts).toHaveLength(1);
      expect(prompts[0]!.userCode).toMatch(/\S/);
      for (const source of ['mailbox', 'activities'] as const) {
        const want = truthKeys(emu, source, users);
        const got = await collectedKeys(t.session, source);
        expect({ source, missing: missing(want, got), extra: missing(got, want) }).toEqual({ source, missing: [], extra: [] });
      }
      expect(requests.filter((r) => new URL(r.url).hostname !== '127.0.0.1')).toEqual([]);
      expect(listCollectionGaps(t.session.db)).toEqual([]);
    } finally {
      t.cleanup();
    }
  });

  it('says how many collected records were a fuller copy than the case held (sign-ins the portal CSV had)', async () => {
    const t = tempCase();
    try {
      // Three of the tenant's sign-ins as the Entra portal's CSV download has them (the fixture's row
      // under their request ids), imported before the collection.
      const lines = readFileSync(join(FIXTURES, 'entra-signin-csv', 'InteractiveSignIns_2026-01-24.csv'), 'utf8').split(/\r?\n/);
      const ids = [...emu.truthIds('signins')].slice(0, 3);
      const rows = ids.map((id) =>
        lines[1]!
          .split(',')
          .map((v, i) => (i === 1 ? id : v))
          .join(','),
      );
      const csv = join(tmpdir(), `mailtrail-signins-${process.pid}.csv`);
      writeFileSync(csv, [lines[0], ...rows, ''].join('\r\n'));
      try {
        expect((await importPaths(t.session, [csv])).imported).toBe(3);
      } finally {
        rmSync(csv, { force: true });
      }
      const result = await collect(t.session, base({ sources: ['signins'] }));
      expect(result.state).toBe('completed');
      const s = result.sources.signins!;
      expect(s).toMatchObject({ duplicates: 3, upgraded: 3, imported: emu.truth.signins - 3 });
      expect(describeCollect(result).join('\n')).toContain('duplicates 3 (3 replaced a poorer copy)');
      const journaled = t.session.db
        .prepare(`SELECT details FROM custody WHERE action = 'collect.source'`)
        .pluck(true)
        .all()
        .map((d) => JSON.parse(d as string) as unknown);
      expect(journaled).toEqual([expect.objectContaining({ source: 'signins', duplicates: 3, upgraded: 3 })]);
      // The events now hold the Graph records, the CSV rows are sightings.
      const fromCsv = t.session.db.prepare(`SELECT count(*) FROM events WHERE evidence_id = 1`).pluck(true).get();
      expect(fromCsv).toBe(0);
      expect(t.session.db.prepare(`SELECT count(*) FROM event_sightings WHERE evidence_id = 1`).pluck(true).get()).toBe(3);
    } finally {
      t.cleanup();
    }
  });
});
