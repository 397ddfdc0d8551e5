/**
 * The inputs of an import: files given, and files found by walking folders given (recursively,
 * sorted), with the reason for each that is not read: a path that cannot be read, not a regular
 * file, operating-system metadata met on the way (`os-metadata.ts`), or the case file itself.
 */
import type { Dirent } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { osMetadata } from './os-metadata';

/** A file found under the paths given, or why it is not read. */
export interface Input {
  path: string;
  bytes: number;
  mtimeUs: number | null;
  error?: string;
  /** Why it is not read: operating-system metadata met while walking, or the case file itself. */
  skipped?: string;
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
    const st = await stat(caseFile);
    ids.add(`${st.dev}:${st.ino}`);
  } catch {
    // Not on disk under that name (a test's in-memory case): the names still count.
  }
  return { ids, paths };
}

/** Finds the inputs under `paths`; `walked` when they were listed from a folder rather than given. */
async function collect(paths: string[], out: Input[], seen: Set<string>, own: OwnFiles, walked = false): Promise<void> {
  for (const given of paths) {
    const path = resolve(given);
    let st;
    try {
      st = await stat(path);
    } catch (err) {
      out.push({
        path: given,
        bytes: 0,
        mtimeUs: null,
        error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      });
      continue;
    }
    if (own.paths.has(path) || own.ids.has(`${st.dev}:${st.ino}`)) {
      // Storing the case in itself would only grow it; given by name or met in a folder alike.
      out.push({ path, bytes: st.size, mtimeUs: null, skipped: 'skipped: the case file being imported into (or its journal)' });
      continue;
    }
    const skipped = walked ? osMetadata(basename(path), st.isDirectory()) : null;
    if (skipped !== null) {
      out.push({ path, bytes: st.isFile() ? st.size : 0, mtimeUs: null, skipped });
      continue;
    }
    if (st.isDirectory()) {
      let real: string;
      try {
        real = await realpath(path);
      } catch {
        real = path;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      let entries: Dirent[];
      try {
        entries = await readdir(path, { withFileTypes: true });
      } catch (err) {
        out.push({
          path: given,
          bytes: 0,
          mtimeUs: null,
          error: `cannot list folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        });
        continue;
      }
      const names = entries
        .filter((e) => e.isFile() || e.isDirectory() || e.isSymbolicLink())
        .map((e) => join(path, e.name))
        .sort();
      await collect(names, out, seen, own, true);
    } else if (st.isFile()) {
      out.push({ path, bytes: st.size, mtimeUs: Math.round(st.mtimeMs * 1000) });
    } else {
      out.push({ path: given, bytes: 0, mtimeUs: null, error: 'not a regular file' });
    }
  }
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

/** Every input under `paths`, in order, the case file `caseFile` (and its journal) marked skipped. */
export async function findInputs(paths: string[], caseFile: string): Promise<Input[]> {
  const out: Input[] = [];
  await collect(paths, out, new Set(), await ownFiles(caseFile));
  return out;
}
