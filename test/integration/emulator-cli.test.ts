// `mailtrail emulator`: one JSON line once listening, serves until SIGTERM (clean exit 0), and
// `--export DIR` writes the scenario as importable files whose record counts equal the truth.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { emulatorFetch, generateScenario } from '../../src/emulator';
import { BIN, mailtrail } from '../helpers/cli';
import { tempDir } from '../helpers/case';

describe('mailtrail emulator', () => {
  it('prints one line with the documented keys once listening, serves, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'emulator', '--scenario', 'bec-basic', '--seed', '7', '--users', '3', '--days', '4', '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines: string[] = [];
    const rl = createInterface({ input: child.stdout });
    const first = await new Promise<string>((resolve, reject) => {
      rl.on('line', (l) => {
        lines.push(l);
        if (lines.length === 1) resolve(l);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const ready = JSON.parse(first) as Record<string, unknown>;
    for (const k of ['tenantId', 'clientId', 'caFile', 'certFile', 'keyFile', 'hosts', 'users', 'from', 'to', 'truth'])
      expect(ready).toHaveProperty(k);
    const hosts = ready.hosts as Record<string, string>;
    expect(Object.keys(hosts).sort()).toEqual(['authority', 'graph', 'manage', 'outlook']);
    for (const h of Object.values(hosts)) expect(h).toMatch(/^https:\/\/127\.0\.0\.1:\d+/);
    expect(Object.keys(ready.truth as object).sort()).toEqual(['activities', 'audits', 'mailbox', 'mgmt', 'signins', 'ual']);
    expect(ready.users).toHaveLength(3);
    const same = generateScenario({ scenario: 'bec-basic', seed: 7, users: 3, days: 4 });
    expect(ready.truth).toEqual(same.truth());
    const ca = readFileSync(String(ready.caFile), 'utf8');
    const token = await emulatorFetch(ca, `${hosts.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(ready.clientId),
        client_secret: String(ready.clientSecret),
        scope: `${hosts.graph}/.default`,
      }).toString(),
    });
    expect(token.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines).toHaveLength(1);
  });

  it('--export writes JSON Lines, Purview CSV, Graph pages, mailbox state and Activities matching the truth', () => {
    const tmp = tempDir();
    const dir = join(tmp.dir, 'export');
    const run = mailtrail(['emulator', '--users', '3', '--days', '4', '--seed', '9', '--export', dir, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const out = run.json() as {
      files: { path: string; kind: string; records: number; sha256: string }[];
      truth: { ual: number; signins: number; audits: number; activities: number };
    };
    const sum = (kind: string): number => out.files.filter((f) => f.kind === kind).reduce((n, f) => n + f.records, 0);
    expect(sum('ual-jsonl')).toBe(out.truth.ual);
    expect(sum('purview-csv')).toBe(out.truth.ual);
    expect(sum('graph-audit-records')).toBe(out.truth.ual);
    expect(sum('graph-signins')).toBe(out.truth.signins);
    expect(sum('graph-directory-audits')).toBe(out.truth.audits);
    expect(sum('activities-json')).toBe(out.truth.activities);
    expect(sum('activities-csv')).toBe(out.truth.activities);
    const jsonl = readFileSync(join(dir, 'ual', 'audit-records.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(jsonl).toHaveLength(out.truth.ual);
    const csvText = readFileSync(join(dir, 'ual', 'purview-audit-001.csv'), 'utf8');
    expect(csvText.charCodeAt(0)).toBe(0xfeff);
    expect(csvText).toContain('\r\n');
    const rows = parse(csvText, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(out.truth.ual);
    expect(Object.keys(rows[0]!)).toEqual([
      'RecordId',
      'CreationDate',
      'RecordType',
      'Operation',
      'UserId',
      'AuditData',
      'AssociatedAdminUnits',
      'AssociatedAdminUnitsNames',
    ]);
    expect(rows[0]!.CreationDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.0000000Z $/);
    expect((JSON.parse(rows[0]!.AuditData!) as { Id: string }).Id).toBe(rows[0]!.RecordId);
    const actCsv = readdirSync(join(dir, 'activities')).filter((f) => f.endsWith('.csv'));
    expect(actCsv).toHaveLength(3);
    const act = readFileSync(join(dir, 'activities', actCsv[0]!), 'utf8');
    expect(
      act.startsWith('\ufeffTimeStamp,AppIdType,ActivityIdType,ActivityItemId,ActivityCreationTime,ClientSessionId,CustomProperties\n'),
    ).toBe(true);
    expect(act).toMatch(/\{'UserName': '[^']+@/);
    // The answer key sits beside the folder, not in it: the folder is what a trainee imports.
    expect(readdirSync(dir)).not.toContain('manifest.json');
    expect((out as { answerKey?: string }).answerKey).toBe(`${dir}.answer-key.json`);
    const manifest = JSON.parse(readFileSync(`${dir}.answer-key.json`, 'utf8')) as { storyline: unknown[]; truth: unknown; files: unknown[] };
    expect(manifest.storyline).toHaveLength(15);
    expect(manifest.truth).toEqual(out.truth);
    expect(manifest.files).toEqual(out.files);
    // The whole folder imports without a failed file: mail folders and service principals are
    // reference data, kept as evidence with a note.
    const caseFile = join(tmp.dir, 'export.mtcase');
    const env = { MAILTRAIL_PASSPHRASE: 'pw' };
    expect(mailtrail(['case', 'create', caseFile, '--name', 'Export', '--examiner', 'E'], env).status).toBe(0);
    const imp = mailtrail(['import', caseFile, dir, '--json'], env);
    expect(imp.status, imp.stdout + imp.stderr).toBe(0);
    const report = imp.json() as { files: { path: string; error?: string; note?: string; imported: number }[]; imported: number };
    expect(report.files.filter((f) => f.error)).toEqual([]);
    const notes = report.files.filter((f) => f.note).map((f) => f.path.replace(/^.*export[\\/]/, '').split('\\').join('/'));
    expect(notes.sort()).toEqual([...readdirSync(join(dir, 'mailbox')).map((u) => `mailbox/${u}/mailFolders.json`), 'graph/servicePrincipals.json'].sort());
    expect(report.imported).toBeGreaterThan(0);
    tmp.cleanup();
  });
});
