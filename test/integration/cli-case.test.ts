// The `mailtrail case` and `verify` commands as a user runs them (child process, no TTY).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/case';
import { mailtrail } from '../helpers/cli';
import { dropTriggers, rawOpen } from '../helpers/raw-db';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const pw = { MAILTRAIL_PASSPHRASE: 'pw' };
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('mailtrail case / verify', () => {
  const file = join(dir, 'a.mtcase');

  it('creates an encrypted case and prints it as JSON', () => {
    const r = mailtrail(
      ['case', 'create', file, '--name', 'Demo', '--examiner', 'A. Examiner', '--number', 'BEC-7', '--tz', 'Europe/Berlin', '--json'],
      pw,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.json()).toMatchObject({
      name: 'Demo',
      number: 'BEC-7',
      examiner: 'A. Examiner',
      timeZone: 'Europe/Berlin',
      journal: { entries: 1 },
    });
    expect(readFileSync(file).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
  });

  it('verifies: exit 0, ok, entry count and head hash', () => {
    const r = mailtrail(['verify', file, '--json'], pw);
    expect(r.status).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ ok: true, entries: 1, problems: [] });
    expect(out['head']).toMatch(/^[0-9a-f]{64}$/);
    const human = mailtrail(['verify', file], pw);
    expect(human.stdout).toMatch(/^ok\nentries 2\nhead [0-9a-f]{64}\n/);
  });

  it('exits 4 on a wrong passphrase and leaves the file byte-identical', () => {
    const before = sha(file);
    const r = mailtrail(['verify', file], { MAILTRAIL_PASSPHRASE: 'wrong' });
    expect(r.status).toBe(4);
    expect(r.stderr).toBe(`mailtrail: wrong passphrase or not a Mailtrail case: ${file}\n`);
    expect(sha(file)).toBe(before);
  });

  it('refuses to create over an existing file unless --force', () => {
    const r = mailtrail(['case', 'create', file, '--name', 'X', '--examiner', 'E'], pw);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/already exists \(use --force/);
    const forced = mailtrail(['case', 'create', file, '--name', 'X', '--examiner', 'E', '--force', '--json'], pw);
    expect(forced.status).toBe(0);
    expect(forced.json()).toMatchObject({ name: 'X' });
  });

  it('rekeys with MAILTRAIL_NEW_PASSPHRASE', () => {
    const r = mailtrail(['case', 'rekey', file, '--json'], { ...pw, MAILTRAIL_NEW_PASSPHRASE: 'pw2' });
    expect(r.status).toBe(0);
    expect(mailtrail(['case', 'info', file], pw).status).toBe(4);
    const info = mailtrail(['case', 'info', file, '--json'], { MAILTRAIL_PASSPHRASE: 'pw2' });
    expect(info.status).toBe(0);
    expect(info.json()).toMatchObject({ journal: { entries: 2 } });
  });

  it('exits 3 naming the first bad entry when the journal was tampered with', () => {
    const db = rawOpen(file, 'pw2');
    dropTriggers(db);
    db.exec(`UPDATE custody SET examiner = 'Mallory' WHERE seq = 1`);
    db.close();
    const r = mailtrail(['verify', file, '--read-only'], { MAILTRAIL_PASSPHRASE: 'pw2' });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^mailtrail: verification failed: .*journal entry 1: hash does not match its contents\n$/);
    expect(r.stdout).toMatch(/^FAILED/);
  });

  it('exits 2 on usage errors with one line on stderr', () => {
    const r = mailtrail(['case', 'create', join(dir, 'b.mtcase')], pw);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(mailtrail(['no-such-command']).status).toBe(2);
  });

  it('exits 2 when no passphrase is available without a terminal', () => {
    const r = mailtrail(['case', 'info', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/set MAILTRAIL_PASSPHRASE/);
  });

  it('prints a JSON error object with --json and keeps stack traces for --debug', () => {
    const r = mailtrail(['case', 'info', join(dir, 'missing.mtcase'), '--json'], pw);
    expect(r.status).toBe(1);
    expect(r.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringMatching(/case file not found/) } });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const d = mailtrail(['case', 'info', join(dir, 'missing.mtcase'), '--debug'], pw);
    expect(d.stderr).toMatch(/\n\s+at /);
  });

  it('rejects an unknown time zone', () => {
    const r = mailtrail(['case', 'create', join(dir, 'c.mtcase'), '--name', 'X', '--examiner', 'E', '--tz', 'Mars/Olympus'], pw);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unknown time zone: Mars\/Olympus/);
  });
});
