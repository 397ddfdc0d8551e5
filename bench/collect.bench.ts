/**
 * Collection throughput under throttling: the Graph audit log query collector pulls N UAL records
 * from the local emulator (in this process) with 10% 429 and 2% 5xx injected (`bench` fault profile)
 * and a token-bucket request budget on the audit endpoints. It reports the time, the requests sent
 * and the achieved request rate against the emulator's allowed rate, the baseline of this run
 * (`rateRatio`, target ≥ 0.8: the collector keeps its budget busy instead of idling in backoff).
 *
 * `npm run bench -- collect [--size N] [--rate R] [--page P] [--json]`: N records (default 100,000),
 * R allowed requests per second on the audit API (default 20), P records per page (default 100).
 */
import { join } from 'node:path';
import { collect } from '../src/core/collect';
import { createCase } from '../src/core/case/case-file';
import { collectedRecordKeys } from '../src/core/store/collect-repo';
import { startEmulator } from '../src/emulator';
import { fmt, rssSampler, type Benchmark } from './harness';

/** UAL records the `bec-basic` scenario holds per user and day (measured: ~7.7 over 30 days). */
const UAL_PER_USER_DAY = 7.7;
const DAYS = 30;

function num(v: string | boolean | undefined, dflt: number, what: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!(n > 0)) throw new Error(`--${what} must be a positive number`);
  return n;
}

const bench: Benchmark = {
  name: 'collect',
  description:
    'collect N UAL records through the Graph audit log query API from the emulator with 10% 429 and 2% 5xx (--size N records, default 100000; --rate R allowed req/s, default 20; --page P records/page, default 100)',
  async run({ size, args, workDir, log }) {
    const target = size ?? 100_000;
    const rate = num(args['rate'], 20, 'rate');
    const page = Math.min(1000, Math.round(num(args['page'], 100, 'page')));
    const users = Math.max(1, Math.ceil(target / (DAYS * UAL_PER_USER_DAY)));
    const emu = await startEmulator({
      scenario: 'bec-basic',
      seed: 7,
      users,
      days: DAYS,
      faults: 'bench',
      pageSize: { auditRecords: page },
      rateLimits: { ual: { requestsPerSecond: rate, burst: rate } },
    });
    try {
      const records = emu.truth.ual;
      log(`emulator: ${users} users × ${DAYS} days = ${fmt(records)} UAL records, audit API budget ${rate} req/s, ${page} records/page`);
      const session = createCase({ file: join(workDir, 'bench.mtcase'), name: 'bench', examiner: 'bench', passphrase: 'bench' });
      const rss = rssSampler();
      const before = emu.requests.total;
      const t0 = performance.now();
      const result = await collect(
        session,
        {
          tenant: emu.tenantId,
          clientId: emu.clientId,
          auth: { mode: 'certificate', certPem: emu.certPem, keyPem: emu.keyPem },
          sources: ['ual'],
          fromUs: Date.parse(emu.from) * 1000,
          toUs: Date.parse(emu.to) * 1000,
          hosts: emu.hosts,
          caPem: emu.caPem,
          tuning: { nowMs: Date.parse(emu.now), ualPollIntervalMs: 250, ualPollMaxIntervalMs: 1000 },
        },
        { onProgress: (p) => p.done === p.total && log(`  ${p.source}: ${p.done}/${p.total} windows, ${fmt(p.records)} records`) },
      );
      const seconds = (performance.now() - t0) / 1000;
      const peakMb = rss.stop();
      const ual = result.sources.ual!;
      const received = collectedRecordKeys(session.db, { source: 'ual' }).size;
      session.close();
      // The budget the collector used: audit API requests the emulator let through its token bucket.
      const served = emu.requests.list().filter((e) => e.seq > before && e.target === 'ual');
      const accepted = served.filter((e) => e.fault !== 'rateLimit').length;
      const rateRatio = accepted / seconds / rate;
      if (result.state !== 'completed') throw new Error(`collection ended ${result.state}`);
      if (received !== records) throw new Error(`collected ${received} distinct records, the emulator holds ${records}`);
      return {
        figures: {
          records,
          received,
          seconds: Number(seconds.toFixed(2)),
          requests: ual.requests,
          rateRatio: Number(rateRatio.toFixed(3)),
        },
        table: [
          ['records (emulator truth)', fmt(records)],
          ['received (distinct ids collected)', fmt(received), received === records ? 'exact' : 'MISMATCH'],
          ['seconds', fmt(seconds, 2)],
          ['requests sent', fmt(ual.requests), `${fmt(ual.retries)} retries, ${fmt(ual.throttled)} throttled`],
          ['windows', fmt(ual.windows)],
          ['achieved rate', `${fmt(accepted / seconds, 1)} req/s`, `budget ${rate} req/s`],
          ['rateRatio', fmt(rateRatio, 3), 'target ≥ 0.8'],
          ['records/s', fmt(records / seconds)],
          ['peak RSS', `${fmt(peakMb)} MB`],
        ],
      };
    } finally {
      await emu.stop();
    }
  },
};

export default bench;
