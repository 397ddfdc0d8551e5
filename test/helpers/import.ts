// Shared by the import tests: one input imported in each parse mode, with what every import must
// hold checked, and the case's custody entries of one action.
import { expect } from 'vitest';
import type { CaseSession } from '../../src/core/case/case-file';
import { importPaths } from '../../src/core/ingest';
import { listQuarantine } from '../../src/core/store/ingest-repo';
import type { FormatId, ImportFileResult } from '../../src/shared/model/ingest';

/** The details of the case's custody entries of `action`, oldest first. */
export function custody(session: CaseSession, action: string): unknown[] {
  return session.db
    .prepare('SELECT details FROM custody WHERE action = ? ORDER BY seq')
    .pluck()
    .all(action)
    .map((d) => JSON.parse(d as string) as unknown);
}

/** What one import of one file came to: its row and its quarantined records (location, reason, text). */
export interface ImportedFile {
  f: ImportFileResult;
  quarantine: [string, string, string | null][];
}

/**
 * Imports `path` alone into a fresh case in the writing thread, then in the parse thread, and
 * checks what every import must hold: one row, `read = imported + duplicates + quarantined`, a
 * quarantine row with a location matching `location` for every quarantined record, and the same
 * result from both threads (with what `more` reads from the case). Returns the first result.
 */
export async function importInEachThread<T extends object = object>(
  fresh: () => { session: CaseSession },
  path: string,
  opts: { format?: FormatId | undefined; location: RegExp; more?: (session: CaseSession, f: ImportFileResult) => T },
): Promise<ImportedFile & T> {
  let first: (ImportedFile & T) | null = null;
  for (const parseThread of [false, true]) {
    const { session } = fresh();
    const report = await importPaths(session, [path], { format: opts.format, parseThread });
    expect(report.files).toHaveLength(1);
    const f = report.files[0]!;
    expect(f.read, path).toBe(f.imported + f.duplicates + f.quarantined);
    let quarantine: ImportedFile['quarantine'] = [];
    if (f.evidenceId !== null && f.error === undefined) {
      const q = listQuarantine(session.db, { evidenceId: f.evidenceId, limit: 1000 });
      expect(q.total).toBe(f.quarantined);
      quarantine = q.items.map((i) => [i.location, i.reason, i.raw]);
      for (const [location] of quarantine) expect(location).toMatch(opts.location);
    }
    const got = { f, quarantine, ...(opts.more?.(session, f) ?? ({} as T)) } as ImportedFile & T;
    if (first === null) first = got;
    else {
      // Same counts, reasons and warnings whichever thread parsed it.
      const strip = (g: ImportedFile & T) => ({ ...g, f: { ...g.f, evidenceId: null } });
      expect(strip(got), `parse thread: ${path}`).toEqual(strip(first));
    }
  }
  return first!;
}
