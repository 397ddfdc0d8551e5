import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { isErrorCode } from '../../shared/errors';
import { tempCase, tempDir } from '../../../test/helpers/case';
import { openCase } from '../case/case-file';
import { openEncrypted } from './database';

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('encrypted case file', () => {
  it('is not a plaintext SQLite file', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    t.session.close();
    const head = readFileSync(t.file).subarray(0, 16).toString('latin1');
    expect(head).not.toBe('SQLite format 3\0');
  });

  it('refuses a wrong passphrase with WRONG_PASSPHRASE and leaves the file byte-identical', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    t.session.close();
    const before = sha(t.file);
    let error: unknown;
    try {
      openCase({ file: t.file, passphrase: 'not the passphrase' });
    } catch (err) {
      error = err;
    }
    expect(isErrorCode(error, 'WRONG_PASSPHRASE')).toBe(true);
    expect((error as Error).message).toBe(`wrong passphrase or not a Mailtrail case: ${t.file}`);
    expect(sha(t.file)).toBe(before);
  });

  it('refuses a SQLCipher file of another application with the same message', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'other.db');
    const db = new Database(file);
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    db.key(Buffer.from('pw'));
    db.exec('CREATE TABLE t (x INTEGER)');
    db.close();
    expect(() => openEncrypted(file, 'pw')).toThrow(/wrong passphrase or not a Mailtrail case/);
  });

  it('refuses a plaintext SQLite database and junk files', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const plain = join(dir, 'plain.db');
    const db = new Database(plain);
    db.exec('CREATE TABLE t (x INTEGER)');
    db.close();
    expect(() => openEncrypted(plain, 'pw')).toThrow(/wrong passphrase or not a Mailtrail case/);
    const junk = join(dir, 'junk.mtcase');
    writeFileSync(junk, Buffer.alloc(8192, 7));
    expect(() => openEncrypted(junk, 'pw')).toThrow(/wrong passphrase or not a Mailtrail case/);
  });

  it('reports a missing file as NOT_FOUND', () => {
    expect(() => openEncrypted('/nonexistent/x.mtcase', 'pw')).toThrow(/case file not found/);
  });

  it('rekeys: the old passphrase stops working, the new one opens the same case', () => {
    const t = tempCase();
    cleanups.push(t.cleanup);
    const id = t.session.info().id;
    t.session.rekey('new passphrase');
    t.session.close();
    expect(() => openCase({ file: t.file, passphrase: t.passphrase })).toThrow(/wrong passphrase/);
    const s = openCase({ file: t.file, passphrase: 'new passphrase' });
    try {
      expect(s.info().id).toBe(id);
      expect(s.journal.list().map((e) => e.action)).toEqual(['case.create', 'case.rekey']);
      expect(JSON.stringify(s.journal.list())).not.toContain('new passphrase');
    } finally {
      s.close();
    }
  });
});
