/**
 * `npm run bench -- ui [--size N] [--json]`: the UI in Debian's Chromium against a synthetic case of
 * N events (default 1,000,000) served by the loopback host (`mailtrail ui`'s server, in process).
 *
 * - initialMs: from clicking "Timeline" to the first painted timeline (histogram-driven).
 * - zoomP95Ms: 20 scripted zoom/pan steps (toolbar buttons), each from click to the new items
 *   painted; the 95th percentile.
 * - naive20kMs: in the same browser, vis-timeline given 20,000 raw events of the same case with
 *   default options (what a UI without aggregation does), from construction to first paint.
 * - ratio: naive20kMs / initialMs.
 * - longTasksOver50ms: long tasks (≥ 50 ms, PerformanceObserver "longtask") while scrolling the
 *   events grid through 100,000 rows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { EventHub } from '../src/cli/host/events';
import { startLoopbackHost } from '../src/cli/host/server';
import { AppData } from '../src/core/host/app-data';
import { createApiHandlers } from '../src/core/host/host-handlers';
import { createCore } from '../src/core/index';
import { MIME_TYPES } from '../src/shared/web-policy';
import { fmt, type Benchmark } from './harness';
import { generateCase } from './query-fixture';

const ROOT = join(import.meta.dirname, '..');
const CHROMIUM = process.env['MAILTRAIL_CHROMIUM'] || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const STEPS = [
  'zoom-in',
  'zoom-in',
  'zoom-in',
  'pan-right',
  'zoom-in',
  'zoom-in',
  'pan-left',
  'zoom-in',
  'pan-right',
  'zoom-in',
  'zoom-out',
  'pan-left',
  'zoom-out',
  'zoom-in',
  'pan-right',
  'zoom-out',
  'zoom-out',
  'pan-left',
  'zoom-out',
  'zoom-out',
];
const GRID_ROWS = 100_000;

function vite(args: string[]): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', ...args, '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`vite build ${args.join(' ')} failed`);
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

/** Clicks a test id in the page and waits for the timeline's next painted load; returns ms. */
async function timedStep(page: Page, testId: string): Promise<{ ms: number; mode: string; items: number }> {
  return page.evaluate(async (id) => {
    const el = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    if (!el) throw new Error(`no ${id}`);
    const t0 = performance.now();
    const done = new Promise<{ mode: string; items: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${id}: no timeline load within 20 s`)), 20_000);
      window.addEventListener(
        'mt:timeline',
        (e) => {
          clearTimeout(timer);
          resolve((e as CustomEvent<{ mode: string; items: number }>).detail);
        },
        { once: true },
      );
    });
    el.click();
    const d = await done;
    return { ms: performance.now() - t0, mode: d.mode, items: d.items };
  }, testId);
}

/** Waits until the grid knows its total and shows its first rows. */
async function gridSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const grid = document.querySelector('[data-testid=events-grid]');
    return grid && grid.getAttribute('data-total') !== '' && grid.querySelector('[role=gridcell]') && !grid.querySelector('.loading');
  });
  await page.waitForTimeout(300);
}

const bench: Benchmark = {
  name: 'ui',
  description: 'timeline and grid in Chromium against a synthetic case (loopback host)',
  async run({ size, workDir, log }) {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set MAILTRAIL_CHROMIUM)`);
    const n = size ?? 1_000_000;
    log('building the renderer and the baseline page');
    vite(['--config', 'vite.renderer.config.ts']);
    const naiveDir = join(workDir, 'naive');
    vite(['--config', 'bench/ui-naive.vite.config.ts', '--outDir', naiveDir]);

    log(`generating a case of ${fmt(n)} events`);
    const gen = await generateCase(join(workDir, 'ui.mtcase'), n, log);
    log(`  ${fmt(gen.insertSec, 1)} s insert, ${fmt(gen.indexSec, 1)} s index`);

    const events = new EventHub();
    const core = createCore({ emit: (e, p) => events.emit(e, p) });
    core.adopt(gen.session);
    const handlers = createApiHandlers({
      core: core.handlers,
      appData: new AppData(join(workDir, 'data')),
      info: { host: 'loopback', nativeDialogs: false, casesDir: workDir, platform: process.platform, version: 'bench' },
    });
    const host = await startLoopbackHost({ handlers, events, rendererDir: join(ROOT, 'dist', 'renderer') });

    // The baseline's 20k raw events, spread over the case's span like the timeline's first view
    // (100 events from each of 200 equal slices), read through the contract.
    const naiveItems: { id: number; start: number; content: string; title: string }[] = [];
    for (let slice = 0; slice < 200; slice++) {
      const fromUs = gen.fromUs + Math.floor(((gen.toUs - gen.fromUs) * slice) / 200);
      const page = await handlers['events:query']({ fromUs, limit: 100 });
      for (const e of page.events) naiveItems.push({ id: e.id, start: e.tsUs / 1000, content: e.operation, title: e.summary });
    }
    const naiveServer = createServer((req, res) => {
      const path = join(naiveDir, new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html'));
      if (!path.startsWith(naiveDir) || !existsSync(path)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': MIME_TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
    });
    await new Promise<void>((r) => naiveServer.listen(0, '127.0.0.1', r));

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      const page = await context.newPage();
      await page.goto(host.url);
      await page.getByTestId('overview-screen').waitFor();
      // (The event stream keeps a request open, so "network idle" never comes: wait for the data.)
      await page.locator('[data-testid=by-source] .bar-row').first().waitFor();
      await page.waitForTimeout(500);

      log('initial timeline');
      const initial = await timedStep(page, 'nav-timeline');
      log(`  ${fmt(initial.ms)} ms (${initial.mode}, ${initial.items} items)`);
      await gridSettled(page);

      log('20 zoom/pan steps');
      const steps: number[] = [];
      for (const step of STEPS) {
        const r = await timedStep(page, step);
        steps.push(r.ms);
        log(`  ${step.padEnd(9)} ${fmt(r.ms).padStart(5)} ms  ${r.mode} (${r.items} items)`);
      }
      const zoomP95Ms = percentile(steps, 95);

      log(`grid: scrolling through ${fmt(GRID_ROWS)} rows`);
      await page.getByTestId('nav-events').click();
      await gridSettled(page);
      const grid = await page.evaluate(async (rows) => {
        const long: number[] = [];
        const obs = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration)));
        obs.observe({ type: 'longtask' });
        const scroller = document.querySelector<HTMLElement>('.grid-scroll')!;
        const rowH = 26;
        const frames = 200;
        const t0 = performance.now();
        for (let i = 1; i <= frames; i++) {
          scroller.scrollTop = Math.round((rows * rowH * i) / frames);
          await new Promise((r) => requestAnimationFrame(r));
        }
        // Until the rows at the end are on screen (read through histogram seeks and cursors).
        const deadline = performance.now() + 30_000;
        while (scroller.querySelector('.loading') && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        const ms = performance.now() - t0;
        await new Promise((r) => setTimeout(r, 200));
        obs.disconnect();
        const first = scroller.querySelector<HTMLElement>('[aria-rowindex]')?.getAttribute('aria-rowindex');
        return { long, ms, firstRow: Number(first), loaded: !scroller.querySelector('.loading') };
      }, GRID_ROWS);
      log(
        `  ${fmt(grid.ms)} ms, reached row ${fmt(grid.firstRow)}, ${grid.long.length} long tasks${grid.long.length ? ` (max ${fmt(Math.max(...grid.long))} ms)` : ''}`,
      );
      if (!grid.loaded) throw new Error('grid rows did not load within 30 s after scrolling');

      log('baseline: vis-timeline with 20,000 raw items');
      const naivePage = await context.newPage();
      await naivePage.goto(`http://127.0.0.1:${(naiveServer.address() as AddressInfo).port}/`);
      const naive20kMs = await naivePage.evaluate(
        (items) => (window as unknown as { runNaive(i: unknown): Promise<number> }).runNaive(items),
        naiveItems,
      );
      log(`  ${fmt(naive20kMs)} ms`);

      const figures = {
        initialMs: Math.round(initial.ms),
        zoomP95Ms: Math.round(zoomP95Ms),
        naive20kMs: Math.round(naive20kMs),
        ratio: Math.round((naive20kMs / initial.ms) * 10) / 10,
        longTasksOver50ms: grid.long.length,
      };
      return {
        figures,
        table: [
          ['events in case', fmt(n)],
          ['initial timeline', `${fmt(figures.initialMs)} ms`, 'target ≤ 1,500 ms'],
          ['zoom/pan p95 (20 steps)', `${fmt(figures.zoomP95Ms)} ms`, `target ≤ 300 ms; median ${fmt(percentile(steps, 50))} ms`],
          ['naive vis-timeline, 20k items', `${fmt(figures.naive20kMs)} ms`, 'baseline, same browser'],
          ['ratio naive / initial', `${figures.ratio}×`, 'target ≥ 30×'],
          ['grid: long tasks over 50 ms', String(figures.longTasksOver50ms), `scrolling ${fmt(GRID_ROWS)} rows in ${fmt(grid.ms)} ms`],
        ],
      };
    } finally {
      await browser.close();
      naiveServer.close();
      await host.close();
      core.dispose();
    }
  },
};

export default bench;
