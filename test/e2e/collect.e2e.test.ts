// The Collect wizard against the local Microsoft 365 emulator (HTTPS on 127.0.0.1 with a test CA):
// tenant and app, device-code sign-in (the prompt is shown, the emulator approves it), sources and
// range, a progress bar per source, and the per-source summary.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, mailtrail } from '../helpers/cli';
import { tempDir } from '../helpers/case';
import { launchChromium, newPage, ROOT, screenshot, startUi, type UiHost } from './harness';

interface EmulatorInfo {
  tenantId: string;
  clientId: string;
  caFile: string;
  hosts: { authority: string; graph: string; manage: string; outlook: string };
  from: string;
  to: string;
  users: string[];
}

const PASS = 'correct horse battery staple';
let dir: string;
let cleanup: () => void;
let emulator: ChildProcess;
let info: EmulatorInfo;
let ui: UiHost;
let browser: Browser;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('mailtrail-e2e-collect-'));
  emulator = spawn(
    process.execPath,
    [BIN, 'emulator', '--port', '0', '--users', '4', '--days', '5', '--data-dir', join(dir, 'emulator'), '--json'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  info = await new Promise<EmulatorInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('emulator did not start')), 60_000);
    createInterface({ input: emulator.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as EmulatorInfo);
    });
  });
  const file = join(dir, 'collect.mtcase');
  const created = mailtrail(['case', 'create', file, '--name', 'Collected', '--examiner', 'Dana'], { MAILTRAIL_PASSPHRASE: PASS });
  if (created.status !== 0) throw new Error(created.stderr);
  ui = await startUi({ caseFile: file, env: { MAILTRAIL_PASSPHRASE: PASS } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  emulator?.kill('SIGTERM');
  cleanup?.();
});

describe('collect wizard', () => {
  it('collects with a device-code sign-in, showing the prompt, progress and the summary', async () => {
    const { page, problems, close } = await newPage(browser);
    await page.goto(ui.url);
    await page.getByTestId('overview-screen').waitFor();
    await page.getByRole('button', { name: 'Collect…' }).click();
    const wizard = page.getByTestId('collect-wizard');
    await wizard.locator('input[name=tenant]').fill(info.tenantId);
    await wizard.locator('input[name=clientId]').fill(info.clientId);
    await wizard.getByRole('button', { name: /Advanced/ }).click();
    await wizard.getByPlaceholder('https://host:port').nth(0).fill(info.hosts.authority);
    await wizard.getByPlaceholder('https://host:port').nth(1).fill(info.hosts.graph);
    await wizard.getByPlaceholder('https://host:port').nth(2).fill(info.hosts.manage);
    await wizard.getByPlaceholder('https://host:port').nth(3).fill(info.hosts.outlook);
    await wizard.locator('label', { hasText: 'Extra CA certificate' }).locator('input').fill(info.caFile);
    await screenshot(page, '11-collect-setup');
    await wizard.getByRole('button', { name: 'Next' }).click();
    // Mailbox state is read per mailbox: the wizard insists on the list.
    expect(await wizard.getByRole('button', { name: 'Start collection' }).isDisabled()).toBe(true);
    await wizard.locator('textarea[name=users]').fill(info.users.join('\n'));
    // The case zone is UTC: the range inputs are UTC wall time.
    await wizard.locator('input[type=datetime-local]').nth(0).fill(info.from.slice(0, 16));
    await wizard.locator('input[type=datetime-local]').nth(1).fill(info.to.slice(0, 16));
    await screenshot(page, '11-collect-scope');
    await wizard.getByRole('button', { name: 'Start collection' }).click();
    // The prompt, or the run's error (shown in the wizard) if the collection failed first.
    await wizard.locator('[data-testid=device-code], [role=alert]').first().waitFor({ timeout: 60_000 });
    if (!(await wizard.getByTestId('device-code').isVisible())) {
      await screenshot(page, '11-collect-error');
      throw new Error(`collection failed: ${await wizard.getByRole('alert').first().textContent()}`);
    }
    expect(await wizard.getByTestId('device-code').textContent()).toMatch(/Code: ?\w+/);
    await screenshot(page, '11-collect-device-code');
    const summary = wizard.getByTestId('collect-summary');
    await summary.waitFor({ timeout: 120_000 });
    await screenshot(page, '11-collect-summary');
    const rows = await summary.locator('tbody tr').allTextContents();
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const imported = await summary.locator('tbody tr td:nth-child(5)').allTextContents();
    expect(imported.map((t) => Number(t.replace(/,/g, ''))).reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
    await wizard.getByRole('button', { name: 'Close', exact: true }).last().click();
    await page.getByTestId('evidence').waitFor();
    expect(problems).toEqual([]);
    await close();
  });
});
