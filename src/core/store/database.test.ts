import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { isErrorCode } from '../../shared/errors';
import { tempCase, tempDir } from '../../../test/helpers/case';
import { openCase } from '../case/case-file';
import { CASE_PAGE_SIZE, openEncrypted } from './database';

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

  it("creates cases with 16 KiB pages and still opens cases made with SQLCipher's default 4 KiB pages", () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const fresh = openEncrypted(join(dir, 'new.mtcase'), 'pw', { create: true });
    expect(fresh.pragma('page_size', { simple: true })).toBe(CASE_PAGE_SIZE);
    fresh.close();

    const file = join(dir, 'old.mtcase');
    const old = openEncrypted(file, 'pw', { create: true, pageSize: 4096 });
    old.exec('CREATE TABLE t (x TEXT)');
    const ins = old.prepare('INSERT INTO t VALUES (?)');
    // Enough pages that the file is a multiple of 16 KiB too, so both sizes are tried.
    for (let i = 0; i < 400; i++) ins.run(`row ${i} ${'x'.repeat(500)}`);
    old.close();
    const before = sha(file);
    const reopened = openEncrypted(file, 'pw');
    expect(reopened.pragma('page_size', { simple: true })).toBe(4096);
    expect(reopened.prepare('SELECT count(*) FROM t').pluck().get()).toBe(400);
    reopened.close();
    expect(() => openEncrypted(file, 'not it')).toThrow(/wrong passphrase or not a Mailtrail case/);
    expect(sha(file)).toBe(before);
  });

  it('rolls a 4 KiB case back from a hot journal (opened with the page size the journal states); read-only, says why it cannot', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const live = join(dir, 'live.mtcase');
    const db = openEncrypted(live, 'pw', { create: true, pageSize: 4096 });
    db.exec('CREATE TABLE t (x TEXT)');
    const ins = db.prepare('INSERT INTO t VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) ins.run(`before ${i} ${'x'.repeat(300)}`);
    })();
    // A tiny page cache spills the update's dirty pages into the file mid-transaction, after the
    // journal is synced: a copy taken now is what a crash leaves behind.
    db.pragma('cache_size=2');
    db.exec('BEGIN');
    db.exec(`UPDATE t SET x = 'after ' || x`);
    const crashed = join(dir, 'crashed.mtcase');
    copyFileSync(live, crashed);
    copyFileSync(`${live}-journal`, `${crashed}-journal`);
    db.exec('ROLLBACK');
    db.close();
    // Precondition: without its journal the copy holds updated rows (the journal really is needed).
    const torn = join(dir, 'torn.mtcase');
    copyFileSync(crashed, torn);
    const tornDb = openEncrypted(torn, 'pw', { pageSize: 4096, readOnly: true });
    expect(tornDb.prepare(`SELECT count(*) FROM t WHERE x LIKE 'after %'`).pluck().get()).toBeGreaterThan(0);
    tornDb.close();

    // Read-only cannot play the journal back: it says so and what to do, and leaves both files be.
    const journalBefore = sha(`${crashed}-journal`);
    expect(() => openEncrypted(crashed, 'pw', { readOnly: true })).toThrow(
      /holds an unfinished change \(its rollback journal, crashed\.mtcase-journal, .*open the case once read-write/,
    );
    expect(sha(`${crashed}-journal`)).toBe(journalBefore);

    const reopened = openEncrypted(crashed, 'pw');
    try {
      expect(reopened.pragma('page_size', { simple: true })).toBe(4096);
      expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(reopened.prepare(`SELECT count(*) FROM t WHERE x LIKE 'before %'`).pluck().get()).toBe(2000);
    } finally {
      reopened.close();
    }
    expect(existsSync(`${crashed}-journal`)).toBe(false);
  });
});
