/**
 * What the host process (Electron main or the loopback host of `mailtrail ui`) keeps and offers
 * besides the core: recently opened cases, the examiner's preferences, native dialogs. Stored in
 * the app data directory, never in a case file, and never holding a passphrase.
 */

/** A recently opened case, as listed on the Start screen. */
export interface RecentCase {
  /** Absolute path of the case file. */
  file: string;
  /** Case id, name and number as last seen (the file is the truth). */
  id: string;
  name: string;
  number: string | null;
  /** When the case was last opened or created here (µs since epoch, UTC). */
  lastOpenedUs: number;
}

/** UI colour scheme; `system` follows the operating system. */
export type Theme = 'light' | 'dark' | 'system';

/** The examiner's preferences (per machine user). */
export interface Prefs {
  /** Default examiner name for new cases and sessions. */
  examiner: string | null;
  /** Display time zone (IANA); `null` uses the open case's zone. */
  timeZone: string | null;
  theme: Theme;
}

/** Default preferences. */
export const DEFAULT_PREFS: Prefs = Object.freeze({ examiner: null, timeZone: null, theme: 'system' }) as Prefs;

/** What the host offers the UI. */
export interface HostInfo {
  /** `electron` for the desktop app, `loopback` for `mailtrail ui` in a browser. */
  host: 'electron' | 'loopback';
  /** True when `dialog:open` / `dialog:save` show native dialogs (Electron only). */
  nativeDialogs: boolean;
  /** Folder suggested for new case files and exports. */
  casesDir: string;
  /** `process.platform` of the host (path separators in the UI). */
  platform: string;
  version: string;
}

/** Commands the native menu sends to the UI (pushed as `app:menu`). */
export const MENU_COMMANDS = [
  'case.new',
  'case.open',
  'case.close',
  'import',
  'collect',
  'report.export',
  'package.export',
  'custody.verify',
  'view.timeZone',
  'view.theme',
  'view.screen',
] as const;
export type MenuCommandName = (typeof MENU_COMMANDS)[number];

/** One menu click as the UI receives it. */
export interface MenuCommand {
  command: MenuCommandName;
  /** For `view.theme`: the chosen theme; for `view.screen`: the screen id. */
  value?: string;
}
