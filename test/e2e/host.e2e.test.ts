// The loopback host as a browser sees it: `mailtrail ui CASE` opens the case first; the page needs
// the token; a page from another origin can neither call the api nor read it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailtrail } from '../helpers/cli';
import { tempDir } from '../helpers/case';
import { launchChromium, newPage, screenshot, startUi, type UiHost } from './harness';

const PASS = 'correct horse battery staple';
let dir: string;
let cleanup: () => void;
let ui: UiHost;
let browser: Browser;
let evil: Server;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('mailtrail-e2e-host-'));
  const file = join(dir, 'opened.mtcase');
  const created = mailtrail(['case', 'create', file, '--name', 'Opened by the CLI', '--examiner', 'Sam'], { MAILTRAIL_PASSPHRASE: PASS });
  if (created.status !== 0) throw new Error(created.stderr);
  ui = await startUi({ caseFile: file, env: { MAILTRAIL_PASSPHRASE: PASS } });
  browser = await launchChromium();
  // Another site on this machine, trying to reach the host from its own origin.
  evil = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other site</title>'));
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  evil?.close();
  cleanup?.();
});

describe('loopback host in a browser', () => {
  it('starts with the case given on the command line already open', async () => {
    const { page, problems, close } = await newPage(browser);
    await page.goto(ui.url);
    await page.getByTestId('overview-screen').waitFor();
    expect(await page.getByTestId('case-name').textContent()).toBe('Opened by the CLI');
    await screenshot(page, '10-ui-case-opened');
    expect(problems).toEqual([]);
    await close();
  });

  it('refuses the page without the token', async () => {
    const { page, close } = await newPage(browser);
    const res = await page.goto(ui.origin + '/');
    expect(res?.status()).toBe(403);
    expect(await page.textContent('body')).toMatch(/access token/);
    await close();
  });

  it('keeps other origins out, even with the token', async () => {
    const { page, close } = await newPage(browser);
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    const outcome = await page.evaluate(
      async ({ origin, token }) => {
        const results: string[] = [];
        // With the token header: needs a CORS preflight, which the host refuses.
        try {
          const r = await fetch(`${origin}/api/invoke`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-mailtrail-token': token },
            body: JSON.stringify({ channel: 'case:close', input: {} }),
          });
          results.push(`read ${r.status}`);
        } catch {
          results.push('blocked');
        }
        // A "simple" request (no preflight) is sent, but refused by the Origin check and unreadable.
        try {
          await fetch(`${origin}/api/invoke`, {
            method: 'POST',
            mode: 'no-cors',
            body: JSON.stringify({ channel: 'case:close', input: {} }),
          });
          results.push('sent');
        } catch {
          results.push('blocked');
        }
        return results;
      },
      { origin: ui.origin, token: ui.token },
    );
    expect(outcome[0]).toBe('blocked');
    await close();
    // The case is still open: nothing from the other origin reached the core.
    const { page: app, close: closeApp } = await newPage(browser);
    await app.goto(ui.url);
    await app.getByTestId('overview-screen').waitFor();
    await closeApp();
  });
});
