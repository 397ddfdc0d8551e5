// How the paths given to `mailtrail import` become inputs: a file reached twice in one command
// (named again, through a folder given twice, a symbolic or hard link) is read once; every row and
// journal entry names the absolute path, whatever was typed; a folder given with nothing to import
// in it fails as an input; and the human summary of a file that failed part-way shows what it kept.
import { execFileSync, spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importPaths } from '../../src/core/ingest';
import { openCase } from '../../src/core/case/case-file';
import { importHuman } from '../../src/cli/commands/import';
import { describeImportFiles, importFileCounts, type ImportReport } from '../../src/shared/model/ingest';
import { casesPerTest, tempDir } from '../helpers/case';
import { custody } from '../helpers/import';
import { BIN, mailtrail } from '../helpers/cli';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const PURVIEW = readFileSync(join(FIXTURES, 'purview-csv', 'new-layout.csv')); // 11 records, 10 unique
const passphrase = 'import inputs test';
const env = { MAILTRAIL_PASSPHRASE: passphrase };
const fresh = casesPerTest();
const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** `mailtrail …args` run from `cwd`, so that relative paths are relative to it. */
function mailtrailIn(cwd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, MAILTRAIL_NEW_PASSPHRASE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A new case file under `parent`, created through the CLI. */
function newCase(parent: string): string {
  mkdirSync(parent, { recursive: true });
  const file = join(parent, 'c.mtcase');
  expect(mailtrail(['case', 'create', file, '--name', 'Inputs', '--examiner', 'E'], env).status).toBe(0);
  return file;
}

/** The custody entries `action` of the case `file`, read after the CLI closed it. */
function custodyOf(file: string, action: string): unknown[] {
  const session = openCase({ file, passphrase, readOnly: true });
  try {
    return custody(session, action);
  } finally {
    session.close();
  }
}

/** A folder holding `a.csv`, a byte-identical copy `b.csv`, a hard link, a symbolic link and a link to itself. */
function evidenceFolder(name: string): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'a.csv'), PURVIEW);
  writeFileSync(join(folder, 'b.csv'), PURVIEW);
  linkSync(join(folder, 'a.csv'), join(folder, 'hard.csv'));
  symlinkSync('a.csv', join(folder, 'link.csv'));
  symlinkSync('.', join(folder, 'loop'));
  return folder;
}

describe('a file reached twice in one import', () => {
  it('is read once, however it is reached; a copy under another name is a second input', async () => {
    const folder = evidenceFolder('twice');
    const a = join(folder, 'a.csv');
    const { session } = fresh();
    const r = await importPaths(session, [folder, folder, a, join(folder, 'link.csv')]);
    expect(r.files.map((f) => [f.path, f.skipped ?? f.error ?? null, f.read, f.imported, f.duplicates])).toEqual([
      [a, null, 11, 10, 1],
      // A byte-identical copy is another sighting of the evidence: read, its records duplicates.
      [join(folder, 'b.csv'), null, 11, 0, 11],
      // Other names of a file already read: each in the report, so the folder listing is accounted for.
      [join(folder, 'hard.csv'), `skipped: the same file as ${a}: each file is read once per import`, 0, 0, 0],
      [join(folder, 'link.csv'), `skipped: the same file as ${a}: each file is read once per import`, 0, 0, 0],
      [join(folder, 'loop'), `skipped: the same folder as ${folder}: each folder is walked once per import`, 0, 0, 0],
      // The folder given again, a.csv and link.csv given by name: the same paths as rows above, no row again.
    ]);
    expect(r).toMatchObject({ read: 22, imported: 10, duplicates: 12, quarantined: 0 });
    expect(describeImportFiles(importFileCounts(r.files))).toBe('2 files, 3 skipped');
    // One more sighting of the evidence (the copy), not one per way of reaching a.csv.
    expect(custody(session, 'evidence.repeat')).toHaveLength(1);
    expect(session.evidence.list()).toHaveLength(1);
    expect((custody(session, 'import.skipped') as { path: string }[]).map((d) => d.path)).toEqual([
      join(folder, 'hard.csv'),
      join(folder, 'link.csv'),
      join(folder, 'loop'),
    ]);
    expect(Number(session.db.prepare('SELECT count(*) FROM evidence_sightings').pluck().get())).toBe(1);
  });

  it('whichever way it is met first: by name, then in the folder', async () => {
    const folder = evidenceFolder('named-first');
    const { session } = fresh();
    const link = join(folder, 'link.csv');
    const r = await importPaths(session, [link, folder]);
    expect(r.files.map((f) => [f.path, f.skipped ?? null, f.read])).toEqual([
      [link, null, 11],
      [join(folder, 'a.csv'), `skipped: the same file as ${link}: each file is read once per import`, 0],
      [join(folder, 'b.csv'), null, 11],
      [join(folder, 'hard.csv'), `skipped: the same file as ${link}: each file is read once per import`, 0],
      [join(folder, 'loop'), `skipped: the same folder as ${folder}: each folder is walked once per import`, 0],
    ]);
  });

  it('through the CLI: the totals count each record once per file read', () => {
    const folder = evidenceFolder('cli-twice');
    const file = newCase(join(dir, 'cli-twice-case'));
    const r = mailtrailIn(folder, ['import', file, '.', '.', 'a.csv', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { files: { path: string }[]; read: number; imported: number; duplicates: number };
    expect(out.files.map((f) => f.path)).toEqual(['a.csv', 'b.csv', 'hard.csv', 'link.csv', 'loop'].map((n) => join(folder, n)));
    expect(out).toMatchObject({ read: 22, imported: 10, duplicates: 12 });
  });
});

describe('paths as typed', () => {
  it('are reported and journaled absolute, on failed rows as on the others', () => {
    const work = join(dir, 'relative');
    mkdirSync(work, { recursive: true });
    const file = newCase(work);
    execFileSync('mkfifo', [join(work, 'fifo1')]);
    writeFileSync(join(work, 'a.csv'), PURVIEW);
    const r = mailtrailIn(work, ['import', 'c.mtcase', 'fifo1', 'missing.csv', 'a.csv', '--json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { files: { path: string; error?: string }[] };
    expect(out.files.map((f) => [f.path, f.error ?? null])).toEqual([
      [join(work, 'fifo1'), 'not a regular file'],
      [join(work, 'missing.csv'), 'cannot read: ENOENT'],
      [join(work, 'a.csv'), null],
    ]);
    expect(r.stderr).toContain(`2 of 3 inputs could not be imported (first: ${join(work, 'fifo1')}: not a regular file)`);
    expect(custodyOf(file, 'import.refused')).toEqual([
      { evidence_id: null, path: join(work, 'fifo1'), reason: 'not a regular file' },
      { evidence_id: null, path: join(work, 'missing.csv'), reason: 'cannot read: ENOENT' },
    ]);
  });
});

describe('a folder given with nothing to import in it', () => {
  it('fails as an input, saying what it passed over, after importing the others', () => {
    const root = join(dir, 'nothing');
    const empty = join(root, 'empty');
    const meta = join(root, 'meta');
    const good = join(root, 'good');
    mkdirSync(empty, { recursive: true });
    mkdirSync(join(meta, 'sub'), { recursive: true });
    mkdirSync(good, { recursive: true });
    writeFileSync(join(meta, '.DS_Store'), Buffer.from('\0\0\0\x01Bud1', 'latin1'));
    writeFileSync(join(meta, 'sub', 'Thumbs.db'), Buffer.alloc(16));
    writeFileSync(join(good, 'a.csv'), PURVIEW);
    writeFileSync(join(good, '.DS_Store'), Buffer.from('\0\0\0\x01Bud1', 'latin1'));
    const file = newCase(join(root, 'case'));

    const r = mailtrail(['import', file, empty, meta, good, '--json'], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`2 of 3 inputs could not be imported (first: ${empty}: the folder holds no files to import)`);
    const out = r.json() as { files: { path: string; error?: string; skipped?: string; read: number }[] };
    expect(out.files.map((f) => [f.path, f.error ?? f.skipped?.replace(/ \(give.*$/, '') ?? null, f.read])).toEqual([
      [empty, 'the folder holds no files to import', 0],
      // The folder's own row comes before what was passed over in it, as an archive's before its members.
      [meta, 'the folder holds no files to import (2 passed over: .DS_Store, sub/Thumbs.db)', 0],
      [join(meta, '.DS_Store'), 'skipped: .DS_Store is folder metadata of the operating system, not an export', 0],
      [join(meta, 'sub', 'Thumbs.db'), 'skipped: Thumbs.db is folder metadata of the operating system, not an export', 0],
      // Metadata beside an export is passed over as before: the folder had something to import.
      [join(good, '.DS_Store'), 'skipped: .DS_Store is folder metadata of the operating system, not an export', 0],
      [join(good, 'a.csv'), null, 11],
    ]);
    expect(custodyOf(file, 'import.refused')).toEqual([
      { evidence_id: null, path: empty, reason: 'the folder holds no files to import' },
      { evidence_id: null, path: meta, reason: 'the folder holds no files to import (2 passed over: .DS_Store, sub/Thumbs.db)' },
    ]);

    const human = mailtrail(['import', file, empty], env);
    expect(human.status).toBe(1);
    expect(human.stdout).toContain(`FAILED ${empty}: the folder holds no files to import\n`);
    expect(human.stdout).toMatch(/^total: 1 file \(1 failed\), read 0, /m);
  });

  it('names at most three of what it passed over', async () => {
    const folder = join(dir, 'many-metadata');
    mkdirSync(folder, { recursive: true });
    for (const n of ['._a.csv', '._b.csv', '.DS_Store', 'Thumbs.db', 'desktop.ini']) writeFileSync(join(folder, n), 'x');
    const { session } = fresh();
    const r = await importPaths(session, [folder]);
    expect(r.files[0]).toMatchObject({
      path: folder,
      error: 'the folder holds no files to import (5 passed over: .DS_Store, ._a.csv, ._b.csv, …)',
    });
  });

  it('a subfolder met while walking may be empty: only a folder given is an input of its own', async () => {
    const folder = join(dir, 'with-empty-sub');
    mkdirSync(join(folder, 'empty-sub'), { recursive: true });
    writeFileSync(join(folder, 'a.csv'), PURVIEW);
    const { session } = fresh();
    const r = await importPaths(session, [folder]);
    expect(r.files.map((f) => [f.path, f.error ?? null])).toEqual([[join(folder, 'a.csv'), null]]);
  });
});

describe('the human summary of a file that failed part-way', () => {
  it('shows what it committed before it failed, so the rows add up to the total', () => {
    const base = { format: 'ual-json' as const, sha256: 'ab'.repeat(32), bytes: 40e6, firstUs: null, lastUs: null, evidenceId: 7 };
    const report: ImportReport = {
      files: [
        {
          ...base,
          path: '/x/big.jsonl',
          read: 32000,
          imported: 31990,
          duplicates: 6,
          quarantined: 4,
          error: 'the disk holding the case is full',
        },
        {
          ...base,
          path: '/x/junk.bin',
          format: null,
          read: 0,
          imported: 0,
          duplicates: 0,
          quarantined: 0,
          evidenceId: 8,
          error: 'binary data',
        },
      ],
      read: 32000,
      imported: 31990,
      duplicates: 6,
      quarantined: 4,
    };
    const lines = importHuman(report, new Map([[7, ['line 3: not valid JSON']]]));
    expect(lines).toEqual([
      'FAILED /x/big.jsonl: the disk holding the case is full  (kept before it failed: read 32000, imported 31990, duplicates 6, quarantined 4)',
      '  quarantined line 3: not valid JSON',
      // Nothing kept: the reason alone.
      'FAILED /x/junk.bin: binary data',
      'total: 2 files (2 failed), read 32000, imported 31990, duplicates 6, quarantined 4',
    ]);
  });
});
