/**
 * End-to-end harness: runs the real `mailtrail ui` (loopback host) in a child process and drives
 * the built renderer in Debian's Chromium with playwright-core. Screenshots of every screen go to
 * `test-results/screens/` (gitignored) so a human can look at them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BIN } from '../helpers/cli';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SCREENS_DIR = join(ROOT, 'test-results', 'screens');
export const CHROMIUM = process.env['MAILTRAIL_CHROMIUM'] || '/usr/bin/chromium';

/** Chromium flags: headless, offline-quiet, no sandbox (containers). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** A running `mailtrail ui`. */
export interface UiHost {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  stderr: () => string;
  stop: () => Promise<void>;
}

/** Starts `mailtrail ui [case] --json --port 0` and waits for its `{"url"}` line. */
export async function startUi(options: { dataDir?: string; caseFile?: string; env?: Record<string, string> } = {}): Promise<UiHost> {
  const ownDir = options.dataDir ? null : mkdtempSync(join(tmpdir(), 'mailtrail-e2e-data-'));
  const dataDir = options.dataDir ?? ownDir!;
  const args = [BIN, 'ui', ...(options.caseFile ? [options.caseFile] : []), '--json', '--port', '0'];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, MAILTRAIL_DATA_DIR: dataDir, MAILTRAIL_PASSPHRASE: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`mailtrail ui did not start in 60 s: ${err}`)), 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolveUrl((JSON.parse(line) as { url: string }).url);
      } catch {
        reject(new Error(`unexpected first line from mailtrail ui: ${line}\n${err}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mailtrail ui exited with ${code}: ${err}`));
    });
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token') ?? '',
    dataDir,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/** Launches Debian's Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page that fails the test on console errors, uncaught exceptions and any non-loopback request. */
export async function newPage(browser: Browser, options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}) {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.hostname !== '127.0.0.1') problems.push(`remote request: ${r.url()}`);
  });
  return { page, problems, close: () => context.close() };
}

/** Writes `test-results/screens/NAME.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const path = join(SCREENS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
