// The examiner's path through the UI, in Debian's Chromium against `mailtrail ui`: create a case,
// import an emulated BEC scenario, read the overview, the timeline (grouped, brushed), search (with
// a parse error), open an event, tag, star and comment it, run the analyzers and open a finding,
// verify the journal, export the report, switch zone and theme, reopen the case from the recent list,
// import a password-protected zip, day-first dates and a fuller copy of a sign-in.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli';
import { launchChromium, newPage, screenshot, startUi, type UiHost } from './harness';

let ui: UiHost;
let browser: Browser;
let page: Page;
let problems: string[];
let closePage: () => Promise<void>;
let scenario: string;
const PASS = 'correct horse battery staple';

/** Waits for the timeline's next painted load after `action`. */
async function timelineLoad(p: Page, action: () => Promise<unknown>): Promise<{ mode: string; items: number; events: number }> {
  const next = p.evaluate(
    () =>
      new Promise<{ mode: string; items: number; events: number }>((resolve) =>
        window.addEventListener('mt:timeline', (e) => resolve((e as CustomEvent).detail), { once: true }),
      ),
  );
  await action();
  return next;
}

beforeAll(async () => {
  scenario = mkdtempSync(join(tmpdir(), 'mailtrail-e2e-scenario-'));
  // An emulated BEC scenario exported as the files an examiner would be handed.
  const r = spawnSync(process.execPath, [BIN, 'emulator', '--export', scenario, '--users', '6', '--days', '10', '--json'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`emulator export failed: ${r.stderr}`);
  ui = await startUi();
  browser = await launchChromium();
  ({ page, problems, close: closePage } = await newPage(browser));
});

afterAll(async () => {
  await closePage?.();
  await browser?.close();
  await ui?.stop();
  if (scenario) rmSync(scenario, { recursive: true, force: true });
});

describe('workbench (loopback host)', () => {
  it('shows the Start screen with create and open', async () => {
    await page.goto(ui.url);
    await page.getByTestId('start-screen').waitFor();
    await page.getByRole('tab', { name: 'New case' }).click();
    await page.getByTestId('create-form').waitFor();
    await screenshot(page, '01-start-create');
  });

  it('creates a case (passphrase twice) and lands on the Overview', async () => {
    const form = page.getByTestId('create-form');
    await form.locator('input[name=name]').fill('Fabrikam CFO mailbox');
    await form.locator('input[name=number]').fill('IR-2026-014');
    await form.locator('input[name=examiner]').fill('Dana Examiner');
    await form.locator('select[name=timeZone]').selectOption('Europe/Berlin');
    await form.locator('input[name=file]').fill(join(ui.dataDir, 'fabrikam.mtcase'));
    await form.locator('input[name=passphrase]').fill(PASS);
    await form.locator('input[name=passphrase2]').fill(`${PASS}!`);
    await form.getByText('The passphrases do not match.').waitFor();
    expect(await form.getByRole('button', { name: 'Create case' }).isDisabled()).toBe(true);
    await form.locator('input[name=passphrase2]').fill(PASS);
    await form.getByRole('button', { name: 'Create case' }).click();
    await page.getByTestId('overview-screen').waitFor();
    expect(await page.getByTestId('case-name').textContent()).toBe('Fabrikam CFO mailbox');
    expect(await page.getByTestId('zone-badge').textContent()).toContain('Europe/Berlin');
  });

  it('imports the scenario with a progress bar and a report that adds up', async () => {
    await page.getByTestId('open-import').click();
    const dialog = page.getByTestId('import-dialog');
    // One sign-in page saved without the pages after it: its records repeat the scenario's, and the
    // report must say the export is incomplete.
    const signIns = JSON.parse(readFileSync(join(scenario, 'graph/signIns/page-0001.json'), 'utf8')) as { value: unknown[] };
    mkdirSync(join(scenario, 'cut'));
    const cutPage = {
      value: signIns.value.slice(0, 5),
      '@odata.nextLink': 'https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=2',
    };
    writeFileSync(join(scenario, 'cut/page-0001.json'), JSON.stringify(cutPage));
    // Finder's folder metadata beside the exports: passed over with a row that says so.
    writeFileSync(join(scenario, 'mailbox/.DS_Store'), Buffer.from('\0\0\0\x01Bud1\0\0', 'latin1'));
    const paths = [
      'ual/audit-records.jsonl',
      'ual/purview-audit-001.csv',
      'graph/signIns',
      'graph/directoryAudits',
      'graph/oauth2PermissionGrants.json',
      'mailbox',
      'cut/page-0001.json',
    ];
    await dialog.locator('textarea[name=paths]').fill(paths.map((p) => join(scenario, p)).join('\n'));
    await screenshot(page, '03-import-dialog');
    await dialog.getByTestId('import-start').click();
    const report = dialog.getByTestId('import-report');
    await report.waitFor({ timeout: 90_000 });
    const summary = await report.locator('.banner.ok').textContent();
    const m = /([\d,]+) records read = ([\d,]+) imported \+ ([\d,]+) duplicates \+ ([\d,]+) quarantined/.exec(summary ?? '');
    expect(m, summary ?? '').not.toBeNull();
    const [read, imported, duplicates, quarantined] = m!.slice(1).map((x) => Number(x.replace(/,/g, '')));
    expect(imported! + duplicates! + quarantined!).toBe(read);
    // The Purview CSV repeats the JSONL's records: they are counted as duplicates, not imported twice.
    expect(duplicates).toBeGreaterThanOrEqual(500);
    expect(imported).toBeGreaterThan(800);
    // Each file that held records shows their time span, in the display zone (Europe/Berlin).
    const spans = report.getByTestId('import-span');
    expect(await spans.count()).toBeGreaterThan(5);
    expect(await spans.first().textContent()).toMatch(/^records \d{4}-\d\d-\d\d \d\d:\d\d → \d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(await spans.first().getAttribute('title')).toMatch(/ \+0[12]:00 to .* \+0[12]:00 \(Europe\/Berlin\)$/);
    const warnings = report.getByTestId('import-warning');
    expect(await warnings.count()).toBe(1);
    expect(await warnings.textContent()).toContain('@odata.nextLink');
    expect(await report.locator('.banner.warn').textContent()).toContain('1 file looks incomplete');
    expect(await page.locator('.toasts').textContent()).toMatch(/Imported [\d,]+ events from \d+ files, 1 skipped; 1 looks incomplete\./);
    expect(await report.getByText('skipped: .DS_Store is folder metadata of the operating system, not an export').count()).toBe(1);
    await screenshot(page, '03-import-report');
    await warnings.scrollIntoViewIfNeeded();
    await screenshot(page, '03-import-warning');
    await dialog.getByTestId('import-done').click();
    await page.getByTestId('by-source').waitFor();
  });

  it('shows counts per source and category, evidence with hashes, and the journal head on the Overview', async () => {
    await page.getByTestId('by-category').locator('.bar-row').first().waitFor();
    expect(await page.getByTestId('by-source').textContent()).toMatch(/ual/);
    const evidence = page.getByTestId('evidence');
    await evidence.waitFor();
    expect(await evidence.locator('tbody tr').count()).toBeGreaterThan(5);
    expect(await evidence.locator('[data-hash]').first().getAttribute('data-hash')).toMatch(/^[0-9a-f]{64}$/);
    // The cut sign-in page stays marked after the import dialog is gone.
    expect(await evidence.getByTestId('evidence-warning').count()).toBe(1);
    await screenshot(page, '02-overview');
  });

  it('draws the timeline from aggregates, grouped, and brushes a range into the grid', async () => {
    const first = await timelineLoad(page, () => page.getByTestId('nav-timeline').click());
    expect(first.events).toBeGreaterThan(800);
    await screenshot(page, '04-timeline');
    const grouped = await timelineLoad(page, () => page.getByTestId('group-by').selectOption('mailbox'));
    expect(grouped.items).toBeLessThanOrEqual(400);
    await page.locator('.vis-label').filter({ hasText: '@fabrikamfreight' }).first().waitFor();
    // Shift+drag across the busy first days (the left fifth of the view) filters the grid to that range.
    const box = (await page.locator('.vis-panel.vis-center').boundingBox())!;
    const y = box.y + box.height / 2;
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + box.width * 0.12, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, y, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.getByTestId('range-chip').waitFor();
    // The grid now holds some, not all, of the events.
    await page.waitForFunction((all) => {
      const total = Number(document.querySelector('[data-testid=events-grid]')?.getAttribute('data-total') || NaN);
      return total > 0 && total < all && document.querySelector('[data-testid=events-grid] [role=gridcell]') !== null;
    }, first.events);
    await screenshot(page, '04-timeline-brushed');
    await page.getByTestId('range-chip').getByRole('button').click();
  });

  it('searches with the query language and shows parse errors inline', async () => {
    await page.getByTestId('nav-events').click();
    const query = page.getByTestId('query');
    await query.fill('operation:(New-InboxRule');
    await page.getByTestId('query-error').waitFor();
    expect(await page.getByTestId('query-error').textContent()).toMatch(/column/);
    await screenshot(page, '05-search-error');
    await query.fill('operation:New-InboxRule OR operation:UpdateInboxRules');
    await query.press('Enter');
    // Read and parse the count in one evaluation: between two reads the screen may show '…' again
    // (a search in flight), and counts over 999 carry a thousands separator.
    const counted = await page.waitForFunction(() => {
      const m = /^([\d,.\u202f\u00a0]+) matching/.exec(document.querySelector('[data-testid=match-count]')?.textContent ?? '');
      return m ? Number(m[1]!.replace(/[^\d]/g, '')) : false;
    });
    const count = (await counted.jsonValue()) as number;
    expect(count).toBeGreaterThan(0);
    await page.locator('[data-testid=events-grid] [role=row][data-id]').first().waitFor();
    await screenshot(page, '05-events');
  });

  it('saves the search as a view and brings it back', async () => {
    await page.getByTestId('views').click();
    await page.getByPlaceholder('Save current as…').fill('Inbox rules');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('dialog', { name: 'Saved views' }).getByText('Inbox rules').waitFor();
    await page.getByTestId('views').click();
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.waitForFunction(() => (document.querySelector('[data-testid=query]') as HTMLInputElement).value === '');
    await page.getByTestId('views').click();
    await page.getByRole('dialog', { name: 'Saved views' }).getByText('Inbox rules').click();
    await page.waitForFunction(() =>
      (document.querySelector('[data-testid=query]') as HTMLInputElement).value.startsWith('operation:New-InboxRule'),
    );
  });

  it('moves through the grid with the keyboard, the detail pane following', async () => {
    const rows = page.locator('[data-testid=events-grid] [role=row][data-id]');
    await rows.nth(1).waitFor();
    const second = await rows.nth(1).getAttribute('data-id');
    await rows.first().click();
    await page.getByTestId('detail-pane').waitFor();
    await page.locator('.grid-scroll').press('ArrowDown');
    await page.waitForFunction((id) => document.querySelector('[data-testid=detail-pane]')?.getAttribute('data-event-id') === id, second);
    await page.locator('.grid-scroll').press('ArrowUp');
  });

  it('opens an event, tags, stars and comments it', async () => {
    await page.locator('[data-testid=events-grid] [role=row][data-id]').first().click();
    const detail = page.getByTestId('detail-pane');
    await detail.getByTestId('raw-record').waitFor({ state: 'attached' });
    expect(await detail.getByTestId('evidence-ref').textContent()).toMatch(/SHA-256 [0-9a-f]{64}/);
    await detail.locator('input[name=tag]').fill('malicious');
    await detail.getByRole('button', { name: 'Tag', exact: true }).click();
    await detail.getByTestId('tags').getByText('malicious').waitFor();
    await detail.getByTestId('star').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=star]')?.getAttribute('aria-pressed') === 'true');
    await detail.locator('textarea[name=comment]').fill('Rule hides replies about the invoice: attacker persistence.');
    await detail.getByRole('button', { name: 'Add comment' }).click();
    await detail.getByTestId('comments').getByText('attacker persistence').waitFor();
    expect(await detail.getByTestId('comments').textContent()).toContain('Dana Examiner');
    // The grid marks the tagged and starred row.
    await page.locator('[data-testid=events-grid] .grid-row.starred.tagged').first().waitFor();
    await screenshot(page, '05-event-detail');
  });

  it('runs the analyzers and opens a finding with why, next steps and its events', async () => {
    await page.getByTestId('nav-findings').click();
    await page.getByTestId('run-analyzers').click();
    const findings = page.getByTestId('findings');
    await findings.locator('article').first().waitFor({ timeout: 60_000 });
    const high = findings.locator('article.sev-border-high');
    expect(await high.count()).toBeGreaterThan(0);
    expect(await high.first().locator('.next-steps li').count()).toBeGreaterThan(0);
    await screenshot(page, '07-findings');
    await high.first().getByTestId('finding-events').click();
    await page.getByTestId('events-screen').waitFor();
    await page.locator('[data-testid=events-grid] [role=row][data-id]').first().waitFor();
    expect(await page.getByTestId('query').inputValue()).toMatch(/^(id:\d+( OR id:\d+)*|actor:.*)$/);
    await screenshot(page, '07-finding-events');
  });

  it('verifies the journal and shows its head hash', async () => {
    await page.getByTestId('nav-custody').click();
    await page.getByTestId('custody-screen').waitFor();
    const before = await page.getByTestId('head-hash').textContent();
    await page.getByTestId('verify').click();
    const banner = page.getByTestId('verify-result');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.textContent()).toMatch(/^Verified\./);
    await page.waitForFunction((prev) => document.querySelector('[data-testid=head-hash]')?.textContent !== prev, before);
    await page.getByTestId('journal').getByText('custody.verify').first().waitFor();
    const rows = await page.getByTestId('journal').locator('tbody tr').allTextContents();
    for (const action of ['case.create', 'import.evidence', 'annotate.tag', 'annotate.comment', 'analyze.run', 'custody.verify'])
      expect(
        rows.some((r) => r.includes(action)),
        action,
      ).toBe(true);
    // Every time carries its offset (Berlin).
    expect(rows.at(-1)).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \+0[12]:00/);
    await screenshot(page, '06-custody');
  });

  it('exports the PDF report and shows its hash', async () => {
    await page.getByTestId('open-report').click();
    const dialog = page.getByTestId('report-dialog');
    const out = join(ui.dataDir, 'report.pdf');
    await dialog.locator('input[name=out]').fill(out);
    await dialog.getByTestId('report-export').click();
    const result = dialog.getByTestId('export-result');
    await result.waitFor({ timeout: 90_000 });
    expect(await result.textContent()).toMatch(/SHA-256 [0-9a-f]{64}/);
    await screenshot(page, '08-report');
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    await dialog.getByTestId('dialog-close').click();
  });

  it('seals an evidence package and shows its manifest hash', async () => {
    await page.getByRole('button', { name: 'Evidence package…' }).click();
    const dialog = page.getByTestId('package-dialog');
    const out = join(ui.dataDir, 'fabrikam.mtpkg');
    await dialog.locator('input[type=text]').first().fill(out);
    await dialog.getByRole('button', { name: 'Seal package' }).click();
    const result = dialog.getByTestId('export-result');
    await result.waitFor({ timeout: 90_000 });
    expect(await result.textContent()).toMatch(/manifest [0-9a-f]{12}/);
    await screenshot(page, '08-package');
    expect(existsSync(out)).toBe(true);
    await dialog.getByTestId('dialog-close').click();
  });

  it('changes display zone and theme in Settings', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-screen').waitFor();
    await page.getByTestId('zone-select').selectOption('UTC');
    await page.waitForFunction(() => document.querySelector('[data-testid=zone-badge]')?.textContent?.includes('UTC'));
    await page.getByLabel('Dark').check();
    await page.waitForFunction(() => document.documentElement.dataset['theme'] === 'dark');
    await screenshot(page, '09-settings-dark');
    await timelineLoad(page, () => page.getByTestId('nav-timeline').click());
    await page.locator('[data-testid=events-grid] [role=gridcell]').first().waitFor();
    await screenshot(page, '04-timeline-dark');
    await page.getByTestId('nav-custody').click();
    const first = await page.getByTestId('journal').locator('tbody tr').first().textContent();
    expect(first).toMatch(/ \+00:00/);
    await page.getByTestId('nav-settings').click();
    await page.getByLabel('Light').check();
  });

  it('closes the case, lists it under recent cases and reopens it with the passphrase', async () => {
    await page.getByTestId('close-case').click();
    await page.getByTestId('start-screen').waitFor();
    await page.getByTestId('recent-cases').getByText('Fabrikam CFO mailbox').click();
    const form = page.getByTestId('open-form');
    expect(await form.locator('input[name=file]').inputValue()).toBe(join(ui.dataDir, 'fabrikam.mtcase'));
    await form.locator('input[name=passphrase]').fill('wrong passphrase');
    await form.getByRole('button', { name: 'Open case' }).click();
    await form.getByRole('alert').waitFor();
    expect(await form.getByRole('alert').textContent()).toMatch(/Wrong passphrase/);
    await screenshot(page, '01-start-recent');
    await form.locator('input[name=passphrase]').fill(PASS);
    await form.getByRole('button', { name: 'Open case' }).click();
    await page.getByTestId('overview-screen').waitFor();
    // The recent list never holds a passphrase.
    expect(readFileSync(join(ui.dataDir, 'recent-cases.json'), 'utf8')).not.toContain(PASS);
  });

  it('imports a password-protected zip and day-first sign-in dates with what the examiner typed into the import dialog', async () => {
    await page.getByTestId('open-import').click();
    const dialog = page.getByTestId('import-dialog');
    const zip = join(import.meta.dirname, '..', 'fixtures', 'archives', 'encrypted', 'aes256.zip');
    const csv = join(import.meta.dirname, '..', 'fixtures', 'entra-signin-csv', 'older-layout-24h.csv');
    // A portal CSV sign-in, then the same sign-in as Graph returns it: the fuller copy replaces the row.
    const portal = join(import.meta.dirname, '..', 'fixtures', 'entra-signin-csv', 'InteractiveSignIns_2026-01-24.csv');
    const requestId = readFileSync(portal, 'utf8').split(/\r?\n/)[1]!.split(',')[1]!;
    const graphRecord = (
      JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'entra-signin-json', 'signins.json'), 'utf8')) as object[]
    )[0]!;
    const graph = join(scenario, 'graph-copy.json');
    writeFileSync(graph, JSON.stringify({ value: [{ ...graphRecord, id: requestId }] }));
    await dialog.locator('textarea[name=paths]').fill([zip, csv, portal, graph].join('\n'));
    await dialog.getByTestId('import-archive-passwords').fill('not it\ninfected');
    await dialog.getByTestId('import-date-order').selectOption('day/month');
    await screenshot(page, '03-import-encrypted');
    await dialog.getByTestId('import-start').click();
    const report = dialog.getByTestId('import-report');
    await report.waitFor({ timeout: 60_000 });
    expect(await report.textContent()).toContain('aes256.zip!export/records.jsonl');
    expect(await report.textContent()).not.toMatch(/password-protected/);
    // Read, imported, duplicates, quarantined: every sign-in of the 24-hour file imported.
    const cells = report.locator('tr', { hasText: 'older-layout-24h.csv' }).locator('td');
    expect(await cells.nth(4).textContent()).toBe('2');
    expect(await cells.nth(5).textContent()).toBe('2');
    expect(await report.locator('tr', { hasText: 'graph-copy.json' }).getByTestId('import-upgraded').textContent()).toBe(
      '1 of its duplicates replaced a poorer copy of their record',
    );
    await screenshot(page, '03-import-encrypted-report');
    // The passwords left the form with the import.
    await dialog.getByRole('button', { name: 'Import more' }).click();
    expect(await dialog.getByTestId('import-archive-passwords').inputValue()).toBe('');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    // Nothing the page keeps holds the password.
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(
      'infected',
    );
  });

  it('made no remote requests and logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
