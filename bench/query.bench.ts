/**
 * Query engine performance on synthetic cases (default 1M and 5M events; `--size N` for one size):
 * histogram of any range, first page of field queries, FTS queries, and a full analyzer run
 * (at ≤ 1M events, or any size with `--analyze`). Cases are generated directly through EventWriter
 * in big transactions, then the FTS index and derived tables are built in bulk, as after an import.
 * Baseline: a full `count(*)` scan of the events table measured in the same run.
 * Targets (issue 5): histogram ≤ 100 ms at 1M / ≤ 250 ms at 5M, first page ≤ 50 ms, FTS ≤ 300 ms,
 * analyze of 1M ≤ 60 s.
 */
import { join } from 'node:path';
import { analyzeForBench, generateCase, type GeneratedCase } from './query-fixture';
import { histogram, queryEvents, explainQuery } from '../src/core/analyze/queries';
import { fmt, timeMs, type Benchmark } from './harness';

const DAY = 86_400_000_000;

/** Median of n runs (after one warm-up), in ms. */
async function measure(fn: () => unknown, runs = 5): Promise<number> {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timeMs(fn)).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

interface CaseFigures {
  events: number;
  histogramMs: number;
  firstPageMs: number;
  ftsMs: number;
  analyzeSec: number | null;
  generateSec: number;
  insertPerSec: number;
  indexSec: number;
  baselineScanMs: number;
  details: Record<string, unknown>;
}

async function runCase(
  c: GeneratedCase,
  analyze: boolean,
  log: (l: string) => void,
  table: [string, string, string?][],
): Promise<CaseFigures> {
  const s = c.session;
  const baseline = await measure(() => s.db.prepare('SELECT count(*) FROM events WHERE length(summary) >= 0').get(), 3);
  table.push([`${fmt(c.events)}: baseline full scan`, `${fmt(baseline, 1)} ms`, 'count(*) over every row']);

  const ranges: [string, number, number][] = [
    ['whole case', c.fromUs, c.toUs],
    ['30 days', c.fromUs + 10 * DAY, c.fromUs + 40 * DAY],
    ['7 days', c.fromUs + 50 * DAY, c.fromUs + 57 * DAY],
    ['1 day', c.fromUs + 60 * DAY + 3_600_000_000 * 7, c.fromUs + 61 * DAY + 3_600_000_000 * 7],
    ['2 hours', c.fromUs + 70 * DAY, c.fromUs + 70 * DAY + 7_200_000_000],
    ['odd 13.3 days', c.fromUs + 5 * DAY + 123_456_789, c.fromUs + 18 * DAY + 42_000_000_000],
  ];
  let histogramMs = 0;
  const hist: Record<string, unknown> = {};
  for (const [label, from, to] of ranges) {
    for (const groupBy of [undefined, 'mailbox', 'category'] as const) {
      let plan = '';
      const ms = await measure(() => {
        const h = histogram(s, { fromUs: from, toUs: to, groupBy });
        plan = `${h.plan} bucket=${h.bucketUs / 1e6}s n=${h.counts.length}`;
      });
      histogramMs = Math.max(histogramMs, ms);
      hist[`${label}${groupBy ? ` by ${groupBy}` : ''}`] = { ms: Number(ms.toFixed(2)), plan };
      table.push([`${fmt(c.events)}: histogram ${label}${groupBy ? ` by ${groupBy}` : ''}`, `${fmt(ms, 1)} ms`, plan]);
    }
  }
  log(`histograms done (max ${fmt(histogramMs, 1)} ms)`);

  const fieldQueries = [
    `actor:${c.sample.actor}`,
    `mailbox:${c.sample.actor}`,
    `ip:${c.sample.ip}`,
    `session:${c.sample.session}`,
    'ip:185.220.0.0/16',
    'country:NG',
    'asn:9009',
    'category:consent',
    'operation:new-inboxrule',
    'source:signin',
    'ua:python*',
    'result:failure',
    `actor:${c.sample.actor} AND category:logon`,
    'category:rule-change OR category:forwarding',
    'NOT category:mail-read',
  ];
  let firstPageMs = 0;
  const pages: Record<string, unknown> = {};
  for (const query of fieldQueries) {
    const ms = await measure(() => queryEvents(s, { query, limit: 100 }));
    const plan = explainQuery(s, { query, limit: 100 }).join('; ');
    firstPageMs = Math.max(firstPageMs, ms);
    pages[query] = { ms: Number(ms.toFixed(2)), plan };
    table.push([
      `${fmt(c.events)}: first page ${query.length > 40 ? `${query.slice(0, 37)}...` : query}`,
      `${fmt(ms, 1)} ms`,
      plan.slice(0, 110),
    ]);
  }
  log(`field queries done (max ${fmt(firstPageMs, 1)} ms)`);

  let ftsMs = 0;
  const fts: Record<string, unknown> = {};
  // Common terms (the time index drives), a rare and an absent term (the FTS matches drive).
  for (const query of [
    'invoice',
    'payment*',
    '"wire transfer"',
    'quarterly AND report',
    `invoice actor:${c.sample.actor}`,
    'user1999',
    'xyzzyabsent',
  ]) {
    const ms = await measure(() => queryEvents(s, { query, limit: 100 }), 3);
    ftsMs = Math.max(ftsMs, ms);
    fts[query] = Number(ms.toFixed(2));
    table.push([`${fmt(c.events)}: FTS ${query}`, `${fmt(ms, 1)} ms`]);
  }
  log(`FTS done (max ${fmt(ftsMs, 1)} ms)`);

  let analyzeSec: number | null = null;
  if (analyze) {
    const r = await timeMs(() => analyzeForBench(s));
    analyzeSec = r.ms / 1000;
    table.push([
      `${fmt(c.events)}: analyze (all analyzers)`,
      `${fmt(analyzeSec, 1)} s`,
      `${r.value.findings} findings, ${r.value.high} high`,
    ]);
    log(`analyze done (${fmt(analyzeSec, 1)} s)`);
  }
  return {
    events: c.events,
    histogramMs: Number(histogramMs.toFixed(2)),
    firstPageMs: Number(firstPageMs.toFixed(2)),
    ftsMs: Number(ftsMs.toFixed(2)),
    analyzeSec: analyzeSec === null ? null : Number(analyzeSec.toFixed(2)),
    generateSec: Number(c.generateSec.toFixed(1)),
    insertPerSec: Math.round(c.events / c.insertSec),
    indexSec: Number(c.indexSec.toFixed(1)),
    baselineScanMs: Number(baseline.toFixed(1)),
    details: { histogram: hist, firstPage: pages, fts },
  };
}

const bench: Benchmark = {
  name: 'query',
  description:
    'search / histogram / FTS / analyze on synthetic cases (--size N events, default 1M and 5M; --analyze to analyze cases over 1M)',
  async run({ size, args, workDir, log }) {
    const sizes = size ? [size] : [1_000_000, 5_000_000];
    const table: [string, string, string?][] = [];
    const cases: CaseFigures[] = [];
    for (const n of sizes) {
      log(`generating ${fmt(n)} events...`);
      const c = await generateCase(join(workDir, `query-${n}.mtcase`), n, log);
      table.push([
        `${fmt(n)}: generate`,
        `${fmt(c.generateSec, 1)} s`,
        `insert ${fmt(n / c.insertSec)} events/s; FTS + derived tables ${fmt(c.indexSec, 1)} s`,
      ]);
      cases.push(await runCase(c, n <= 1_000_000 || args['analyze'] === true, log, table));
      c.session.close();
    }
    const figures = cases.length === 1 ? { ...cases[0]! } : { cases: cases as unknown as Record<string, unknown> };
    return { figures: figures as never, table };
  },
};
export default bench;
