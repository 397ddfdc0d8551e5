/** Test helpers: temporary directories and cases with a deterministic clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createCase, openCase, type CaseSession } from '../../src/core/case/case-file';
import { steppingClock } from '../../src/core/clock';

/** 2026-01-01T00:00:00Z in µs. */
export const T0 = Date.UTC(2026, 0, 1) * 1000;

/** A temporary directory removed by `cleanup()`. */
export function tempDir(prefix = 'mailtrail-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Creates a case in a temporary directory. */
export function tempCase(options: { passphrase?: string; name?: string } = {}): {
  session: CaseSession;
  file: string;
  dir: string;
  passphrase: string;
  reopen: (opts?: { readOnly?: boolean; examiner?: string }) => CaseSession;
  cleanup: () => void;
} {
  const { dir, cleanup } = tempDir();
  const file = join(dir, 'test.mtcase');
  const passphrase = options.passphrase ?? 'correct horse battery staple';
  const session = createCase({
    file,
    name: options.name ?? 'Test case',
    examiner: 'Test Examiner',
    number: 'T-1',
    timeZone: 'Europe/Berlin',
    passphrase,
    clock: steppingClock(T0),
  });
  const opened: CaseSession[] = [session];
  return {
    session,
    file,
    dir,
    passphrase,
    reopen: (opts = {}) => {
      const s = openCase({ file, passphrase, clock: steppingClock(T0 + 3_600_000_000), ...opts });
      opened.push(s);
      return s;
    },
    cleanup: () => {
      for (const s of opened) s.close();
      cleanup();
    },
  };
}

/**
 * A maker of temporary cases that are removed after each test of the file calling it (registers
 * an `afterEach`): `const fresh = casesPerTest();` at the top level, then `fresh()` in a test.
 */
export function casesPerTest(): () => ReturnType<typeof tempCase> {
  const made: (() => void)[] = [];
  afterEach(() => made.splice(0).forEach((cleanup) => cleanup()));
  return () => {
    const t = tempCase();
    made.push(t.cleanup);
    return t;
  };
}
