/** `mailtrail collect` as a command: usage errors, a client secret accepted with a warning and never stored. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../../src/core/case/case-file';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { tempCase } from '../helpers/case';
import { mailtrail } from '../helpers/cli';
import { emulatorTuning, runCli } from './collect-support';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ scenario: 'bec-basic', seed: 7, users: 3, days: 3 });
});
afterAll(async () => {
  await emu?.stop();
});

describe('mailtrail collect', () => {
  it('refuses ambiguous or missing credentials and bad ranges with a usage error', () => {
    const t = tempCase();
    t.session.close();
    try {
      const env = { MAILTRAIL_PASSPHRASE: t.passphrase };
      const base = [
        'collect',
        t.file,
        '--tenant',
        emu.tenantId,
        '--client-id',
        emu.clientId,
        '--sources',
        'audits',
        '--from',
        emu.from,
        '--to',
        emu.to,
      ];
      const none = mailtrail(base, env);
      expect(none.status).toBe(2);
      expect(none.stderr).toMatch(/exactly one of --device-code/);
      expect(mailtrail([...base, '--device-code', '--cert', emu.certFile, '--key', emu.keyFile], env).status).toBe(2);
      const unset = mailtrail([...base, '--secret-env', 'MAILTRAIL_TEST_NO_SUCH_VAR'], env);
      expect(unset.status).toBe(2);
      expect(unset.stderr).toMatch(/MAILTRAIL_TEST_NO_SUCH_VAR/);
      const badDate = mailtrail(
        [
          'collect',
          t.file,
          '--tenant',
          emu.tenantId,
          '--client-id',
          emu.clientId,
          '--device-code',
          '--sources',
          'ual',
          '--from',
          '1/2/2026',
          '--to',
          emu.to,
        ],
        env,
      );
      expect(badDate.status).toBe(2);
      expect(badDate.stderr).toMatch(/--from: not an ISO 8601/);
      const users = mailtrail([...base.slice(0, 6), '--device-code', '--sources', 'mailbox', '--from', emu.from, '--to', emu.to], env);
      expect(users.status).toBe(2);
      expect(users.stderr).toMatch(/--users/);
      const nothing = mailtrail(
        ['collect', t.file, '--tenant', emu.tenantId, '--client-id', emu.clientId, '--device-code', '--resume'],
        env,
      );
      expect(nothing.status).toBe(1);
      expect(nothing.stderr).toMatch(/nothing to resume/);
    } finally {
      t.cleanup();
    }
  });

  it('collects with a client secret from the environment, warns, and never stores the secret', async () => {
    const t = tempCase();
    t.session.close();
    try {
      const r = await runCli(
        [
          'collect',
          t.file,
          '--tenant',
          emu.tenantId,
          '--client-id',
          emu.clientId,
          '--secret-env',
          'MT_TEST_SECRET',
          '--sources',
          'audits,signins',
          '--from',
          emu.from,
          '--to',
          emu.to,
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
          JSON.stringify(emulatorTuning(emu)),
          '--json',
        ],
        { MAILTRAIL_PASSPHRASE: t.passphrase, MT_TEST_SECRET: emu.clientSecret },
      );
      expect(r.stderr).toMatch(/warning: a client secret is used/);
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as {
        state: string;
        warnings: string[];
        sources: Record<string, { imported: number; gaps: unknown[] }>;
      };
      expect(out.state).toBe('completed');
      expect(out.warnings.join(' ')).toMatch(/client secret/);
      expect(out.sources['audits']!.imported).toBe(emu.truth.audits);
      expect(out.sources['signins']!.imported).toBe(emu.truth.signins);
      expect(r.stdout + r.stderr).not.toContain(emu.clientSecret);
      const s = openCase({ file: t.file, passphrase: t.passphrase, readOnly: true });
      try {
        const journal = JSON.stringify(s.journal.list(0, 100_000));
        expect(journal).not.toContain(emu.clientSecret);
        expect(journal).toContain('"auth":"secret"');
      } finally {
        s.close();
      }
    } finally {
      t.cleanup();
    }
  });
});
