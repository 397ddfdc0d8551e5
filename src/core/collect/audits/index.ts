/**
 * Entra directory audits through Graph `auditLogs/directoryAudits`, in windows on
 * `activityDateTime`, following `@odata.nextLink`. Directory audits are tenant-wide (consent, app
 * and role changes are often made by or for other principals), so no user filter is applied.
 */
import { isoZ, splitRange } from '../windows';
import { readAllPages } from '../graph-pages';
import type { SourceCollector } from '../source';

/** The Graph directory-audits format id of the import pipeline. */
export const AUDITS_FORMAT = 'graph-directory-audits';

export const auditsCollector: SourceCollector = {
  source: 'audits',
  windowKinds: ['window'],

  async plan(ctx) {
    const fromMs = Math.floor(ctx.fromUs / 1000);
    const toMs = Math.ceil(ctx.toUs / 1000);
    ctx.plan(
      splitRange(fromMs, toMs, ctx.tuning.auditWindowMs).map(([a, b]) => ({
        key: `w:${a}-${b}`,
        kind: 'window',
        fromUs: a * 1000,
        toUs: b * 1000,
      })),
    );
  },

  async run(ctx, task) {
    const fromMs = Math.floor((task.from_us ?? 0) / 1000);
    const toMs = Math.floor((task.to_us ?? 0) / 1000);
    const url = new URL(`${ctx.hosts.graph}/v1.0/auditLogs/directoryAudits`);
    url.searchParams.set('$filter', `activityDateTime ge ${isoZ(fromMs)} and activityDateTime le ${isoZ(toMs)}`);
    url.searchParams.set('$top', String(ctx.tuning.graphPageSize));
    await readAllPages(ctx, task, url.toString(), { format: AUDITS_FORMAT, what: 'reading directory audits' });
  },

  async finish(ctx) {
    const horizonMs = ctx.run.serviceNowMs() - ctx.tuning.entraRetentionDays * 86_400_000;
    if (ctx.fromUs / 1000 < horizonMs) {
      ctx.gap({
        kind: 'retention',
        fromUs: ctx.fromUs,
        toUs: Math.min(ctx.toUs, horizonMs * 1000),
        target: null,
        detail: `Entra keeps directory audits ${ctx.tuning.entraRetentionDays} days (P1/P2; 7 days on Free); audits before ${isoZ(horizonMs)} may have been purged`,
      });
    }
  },
};
