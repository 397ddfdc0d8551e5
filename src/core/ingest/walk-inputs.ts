/**
 * The inputs of an import: files given, and files found by walking folders given (recursively,
 * sorted), with the reason for each that is not read: a path that cannot be read, not a regular
 * file, operating-system metadata met on the way (`os-metadata.ts`), the case file itself, another
 * name of a file or folder already met, or a folder given that holds nothing to import. Every path
 * is absolute, whatever was typed.
 */
import type { BigIntStats, Dirent } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { osMetadata } from './os-metadata';

/** A file found under the paths given, or why it is not read. */
export interface Input {
  path: string;
  bytes: number;
  mtimeUs: number | null;
  error?: string;
  /**
   * Why it is not read: operating-system metadata met while walking, the case file itself, or
   * another name (a link) of a file or folder this import already met.
   */
  skipped?: string;
}

/**
 * Device and inode, as bigints: a Number loses the low bits of NTFS file ids (sequence number in
 * the top 16 bits), which would make two files one. Null where the file system gives no inode (0).
 */
function fileId(st: BigIntStats): string | null {
  return st.ino === 0n ? null : `${st.dev}:${st.ino}`;
}

/**
 * What the walk must not read: the case being imported into (by device and inode, so a link to it
 * counts) and its journal files, which an examiner's evidence folder often holds.
 */
interface OwnFiles {
  ids: Set<string>;
  paths: Set<string>;
}

async function ownFiles(caseFile: string): Promise<OwnFiles> {
  const ids = new Set<string>();
  const paths = new Set<string>();
  for (const base of new Set([resolve(caseFile), await realpath(caseFile).catch(() => resolve(caseFile))])) {
    for (const suffix of ['', '-journal', '-wal', '-shm']) paths.add(base + suffix);
  }
  try {
    const id = fileId(await stat(caseFile, { bigint: true }));
    if (id !== null) ids.add(id);
  } catch {
    // Not on disk under that name (a test's in-memory case): the names still count.
  }
  return { ids, paths };
}

/**
 * One walk: what it must not read, the path it first met each file and folder under (by identity),
 * and the other paths already reported as naming one of those.
 */
interface Walk {
  own: OwnFiles;
  met: Map<string, string>;
  repeats: Set<string>;
}

/** How `path` is known however it is reached: device and inode (hard links too), else its real path. */
async function identity(path: string, st: BigIntStats): Promise<string> {
  return fileId(st) ?? `path:${await realpath(path).catch(() => path)}`;
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/**
 * Finds the inputs under `paths`; `walked` when they were listed from a folder rather than given.
 * @returns how many files (and paths that failed) it met, down through the folders: all but what it
 * passed over as metadata or as the case file (a file met again counts: the folder held it).
 */
async function collect(paths: string[], out: Input[], walk: Walk, walked = false): Promise<number> {
  let held = 0;
  for (const given of paths) {
    // The examiner reads rows, the journal and the evidence list side by side: one form of a path in all.
    const path = resolve(given);
    let st: BigIntStats;
    try {
      st = await stat(path, { bigint: true });
    } catch (err) {
      out.push({ path, bytes: 0, mtimeUs: null, error: `cannot read: ${errorCode(err)}` });
      held++;
      continue;
    }
    const bytes = st.isFile() ? Number(st.size) : 0;
    const id = await identity(path, st);
    if (walk.own.paths.has(path) || walk.own.ids.has(id)) {
      // Storing the case in itself would only grow it; given by name or met in a folder alike.
      out.push({ path, bytes: Number(st.size), mtimeUs: null, skipped: 'skipped: the case file being imported into (or its journal)' });
      continue;
    }
    const skipped = walked ? osMetadata(basename(path), st.isDirectory()) : null;
    if (skipped !== null) {
      out.push({ path, bytes, mtimeUs: null, skipped });
      continue;
    }
    const first = walk.met.get(id);
    if (first !== undefined) {
      held++;
      // Read again, a file would count its records twice and journal one more sighting of evidence
      // already stored, and a folder linked inside itself would never end. Named again under the
      // same path (a folder given twice, a file named and met in a folder given) its row is there
      // already; under another name (a link) it gets one, so every name in the folder listing is
      // accounted for.
      if (first === path || walk.repeats.has(path)) continue;
      walk.repeats.add(path);
      out.push({
        path,
        bytes,
        mtimeUs: null,
        skipped: st.isDirectory()
          ? `skipped: the same folder as ${first}: each folder is walked once per import`
          : `skipped: the same file as ${first}: each file is read once per import`,
      });
      continue;
    }
    walk.met.set(id, path);
    if (st.isDirectory()) {
      let entries: Dirent[];
      try {
        entries = await readdir(path, { withFileTypes: true });
      } catch (err) {
        out.push({ path, bytes: 0, mtimeUs: null, error: `cannot list folder: ${errorCode(err)}` });
        held++;
        continue;
      }
      const names = entries
        .filter((e) => e.isFile() || e.isDirectory() || e.isSymbolicLink())
        .map((e) => join(path, e.name))
        .sort();
      const start = out.length;
      const found = await collect(names, out, walk, true);
      held += found;
      if (!walked && found === 0) {
        // A folder given that yields nothing is a mistyped or wrong evidence folder more often than
        // an empty export: it fails as an input (exit 1), like a path that cannot be read. Its row
        // comes before what was passed over in it, as an archive's row before its members'.
        const passed = out.slice(start).map((i) => relative(path, i.path));
        const list = passed.length > 3 ? [...passed.slice(0, 3), '…'] : passed;
        out.splice(start, 0, {
          path,
          bytes: 0,
          mtimeUs: null,
          error: `the folder holds no files to import${passed.length > 0 ? ` (${passed.length} passed over: ${list.join(', ')})` : ''}`,
        });
      }
    } else if (st.isFile()) {
      out.push({ path, bytes, mtimeUs: usOf(st.mtimeNs) });
      held++;
    } else {
      out.push({ path, bytes: 0, mtimeUs: null, error: 'not a regular file' });
      held++;
    }
  }
  return held;
}

/** Nanoseconds to the nearest microsecond (half up, as `Math.round` of the milliseconds did). */
function usOf(ns: bigint): number {
  const us = ns / 1000n;
  const rest = ns % 1000n;
  return Number(rest >= 500n ? us + 1n : rest < -500n ? us - 1n : us);
}

/** The first bytes of a file (4: enough to tell a zip or a gzip). */
export async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    // A tar archive is told by its first header (512 bytes); a zip by its first four.
    const b = Buffer.alloc(512);
    const { bytesRead } = await fh.read(b, 0, 512, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Every input under `paths`, in order, each file and folder once however often and under whatever
 * names it is reached; the case file `caseFile` (and its journal) marked skipped.
 */
export async function findInputs(paths: string[], caseFile: string): Promise<Input[]> {
  const out: Input[] = [];
  await collect(paths, out, { own: await ownFiles(caseFile), met: new Map(), repeats: new Set() });
  return out;
}
