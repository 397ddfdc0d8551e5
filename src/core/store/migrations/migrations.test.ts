import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../../test/helpers/case';
import { rawOpen } from '../../../../test/helpers/raw-db';
import { openCase } from '../../case/case-file';
import { openEncrypted } from '../database';
import { LATEST_SCHEMA_VERSION, migrate, migrations, schemaVersion, type Migration } from './index';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('migrations', () => {
  it('are numbered 1..n in order', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(migrations.length);
  });

  it('bring a new case to the latest version', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    expect(schemaVersion(t.session.db)).toBe(LATEST_SCHEMA_VERSION);
  });

  it('refuse a case file from a newer Mailtrail and leave it untouched', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    t.session.close();
    const db = rawOpen(t.file, t.passphrase);
    db.pragma(`user_version=${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    const before = createHash('sha256').update(readFileSync(t.file)).digest('hex');
    expect(() => openCase({ file: t.file, passphrase: t.passphrase })).toThrow(/written by a newer Mailtrail/);
    expect(() => openCase({ file: t.file, passphrase: t.passphrase, readOnly: true })).toThrow(/written by a newer Mailtrail/);
    expect(createHash('sha256').update(readFileSync(t.file)).digest('hex')).toBe(before);
  });

  it('run every pending step in one transaction: a failing step leaves nothing behind', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const db = t.session.db;
    const list: Migration[] = [
      ...migrations,
      { version: LATEST_SCHEMA_VERSION + 1, name: 'ok', up: (d) => d.exec('CREATE TABLE probe_ok (x INTEGER) STRICT') },
      { version: LATEST_SCHEMA_VERSION + 2, name: 'broken', up: (d) => d.exec('CREATE TABLE probe_bad (x NOSUCHTYPE) STRICT') },
    ];
    expect(() => migrate(db, t.file, list)).toThrow();
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'probe_ok'`).get()).toEqual({ n: 0 });
  });

  it('journal an upgrade of an older case', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    t.session.close();
    const raw = rawOpen(t.file, t.passphrase);
    raw.exec('DROP TABLE events_fts; DROP TABLE quarantine; DROP TABLE event_sightings; DROP TABLE events;');
    raw.pragma('user_version=1');
    raw.close();
    const s = t.reopen();
    expect(schemaVersion(s.db)).toBe(LATEST_SCHEMA_VERSION);
    const last = s.journal.list().at(-1);
    expect(last?.action).toBe('case.migrate');
    expect(last?.details).toEqual({ from: 1, to: LATEST_SCHEMA_VERSION, tool: expect.stringMatching(/^mailtrail /) });
  });

  it('open read-only without writing', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    t.session.close();
    const db = openEncrypted(t.file, t.passphrase, { readOnly: true });
    expect(() => db.exec('CREATE TABLE x (y INTEGER)')).toThrow(/readonly/);
    db.close();
  });
});
