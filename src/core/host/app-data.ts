/**
 * The app data directory of the desktop app and of `mailtrail ui`: recently opened cases and the
 * examiner's preferences, as small JSON files written atomically. It never holds a passphrase,
 * token or case content: only what the Start screen lists and how the UI looks.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_PREFS, type Prefs, type RecentCase, type Theme } from '../../shared/model/app';
import type { CaseInfo } from '../../shared/model/case';

/** How many recent cases are kept. */
export const MAX_RECENT = 20;

/**
 * The app data directory: `MAILTRAIL_DATA_DIR` when set, otherwise the folder Electron uses for
 * the product (`userData`), so the desktop app and `mailtrail ui` share recent cases.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: string = process.platform,
  home: string = homedir(),
): string {
  const override = env['MAILTRAIL_DATA_DIR'];
  if (override) return resolve(override);
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'Mailtrail');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Mailtrail');
  return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'Mailtrail');
}

const THEMES: readonly Theme[] = ['light', 'dark', 'system'];

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    // Missing or damaged: start over rather than refuse to start (nothing here is evidence).
    return undefined;
  }
}

function isRecent(v: unknown): v is RecentCase {
  const r = v as RecentCase;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.file === 'string' &&
    typeof r.id === 'string' &&
    typeof r.name === 'string' &&
    (r.number === null || typeof r.number === 'string') &&
    typeof r.lastOpenedUs === 'number'
  );
}

/** Recent cases and preferences in one directory. */
export class AppData {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  private path(name: string): string {
    return join(this.dir, name);
  }

  private write(name: string, value: unknown): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = this.path(`${name}.${process.pid}.tmp`);
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path(name));
  }

  /** Recent cases, newest first. */
  recent(): RecentCase[] {
    const raw = readJson(this.path('recent-cases.json'));
    if (!Array.isArray(raw)) return [];
    return raw.filter(isRecent).sort((a, b) => b.lastOpenedUs - a.lastOpenedUs);
  }

  /** Puts a case at the top of the recent list (only its path, id, name and number). */
  remember(info: Pick<CaseInfo, 'file' | 'id' | 'name' | 'number'>, nowUs: number): RecentCase[] {
    const entry: RecentCase = { file: info.file, id: info.id, name: info.name, number: info.number, lastOpenedUs: nowUs };
    const cases = [entry, ...this.recent().filter((c) => c.file !== info.file)].slice(0, MAX_RECENT);
    this.write('recent-cases.json', cases);
    return cases;
  }

  /** Removes a case from the list. */
  forget(file: string): RecentCase[] {
    const cases = this.recent().filter((c) => c.file !== file && c.file !== resolve(file));
    this.write('recent-cases.json', cases);
    return cases;
  }

  /** The preferences (defaults for anything missing or invalid). */
  prefs(): Prefs {
    const raw = readJson(this.path('preferences.json')) as Partial<Prefs> | undefined;
    return {
      examiner: typeof raw?.examiner === 'string' && raw.examiner.trim() ? raw.examiner : DEFAULT_PREFS.examiner,
      timeZone: typeof raw?.timeZone === 'string' && raw.timeZone ? raw.timeZone : DEFAULT_PREFS.timeZone,
      theme: raw?.theme && THEMES.includes(raw.theme) ? raw.theme : DEFAULT_PREFS.theme,
    };
  }

  /** Changes some preferences. */
  setPrefs(patch: Partial<Prefs>): Prefs {
    const next = { ...this.prefs() };
    if (patch.examiner !== undefined) next.examiner = patch.examiner?.trim() || null;
    if (patch.timeZone !== undefined) next.timeZone = patch.timeZone || null;
    if (patch.theme !== undefined) next.theme = patch.theme;
    this.write('preferences.json', next);
    return next;
  }
}
