/**
 * Unified Audit Log through the Graph audit log query API (reference §4): per window, create a
 * query, poll it until it succeeds, then read `/records` following `@odata.nextLink`.
 *
 * Nothing is silently truncated: a window whose query reports `isRecordCountLimitExceeded`, or
 * declares or returns at least the safe size, is split in two (down to a minimum length, after
 * which the shortfall is recorded as a `truncated` gap). A query stuck in `running` past the
 * timeout, or `failed`, is abandoned and the window retried. Every window keeps its declared and
 * received counts.
 */
import { sleep, type ApiResponse } from '../api-client';
import type { SourceContext } from '../context';
import { cursorOf, type SourceCollector } from '../source';
import { halve, isoZ, jsonOf, prefetch, splitRange } from '../windows';

/** The stored checkpoint of a window. */
interface UalCursor {
  queryId?: string;
  /** When the query was created (ms), to detect a stuck query across a resume. */
  createdAtMs?: number;
  /** Status polls seen so far. */
  polls?: number;
  /** The query succeeded; records are being read. */
  ready?: boolean;
  /** Next records page to read. */
  next?: string | null;
  /** Records a window may hold before it counts as full: the safe size, or the query's own limit if lower. */
  limit?: number;
  /** A `truncated` gap is already recorded for this window. */
  truncated?: boolean;
}

interface QueryStatus {
  id?: string;
  status?: string;
  approximateReturnedRecordCount?: number | null;
  recordCountLimit?: number | null;
  isRecordCountLimitExceeded?: boolean | null;
}

/** The Graph audit-log-query format id of the import pipeline. */
export const UAL_RECORDS_FORMAT = 'graph-audit-records';

function windowTask(fromMs: number, toMs: number) {
  return { key: `w:${fromMs}-${toMs}`, kind: 'window', fromUs: fromMs * 1000, toUs: toMs * 1000 };
}

export const ualCollector: SourceCollector = {
  source: 'ual',
  windowKinds: ['window'],

  async plan(ctx) {
    const fromMs = Math.floor(ctx.fromUs / 1000);
    const toMs = Math.ceil(ctx.toUs / 1000);
    ctx.plan(splitRange(fromMs, toMs, ctx.tuning.ualWindowMs).map(([a, b]) => windowTask(a, b)));
  },

  async run(ctx, task) {
    const base = `${ctx.hosts.graph}/${ctx.tuning.ualApi}/security/auditLog/queries`;
    const fromMs = Math.floor((task.from_us ?? 0) / 1000);
    const toMs = Math.floor((task.to_us ?? 0) / 1000);
    const canSplit = toMs - fromMs >= 2 * ctx.tuning.ualMinWindowMs;
    const safe = ctx.tuning.ualSafeSize;
    const target = `${isoZ(fromMs)}..${isoZ(toMs)}`;
    let cur = cursorOf<UalCursor>(task) ?? {};

    const split = (page: Awaited<ReturnType<SourceContext['store']>> | undefined, declared?: number | null) =>
      ctx.checkpoint(task, {
        ...(page ? { page } : {}),
        state: 'split',
        cursor: null,
        ...(declared !== undefined ? { declared } : {}),
        spawn: halve(fromMs, toMs).map(([a, b]) => windowTask(a, b)),
      });

    // 1–2. Create the query and wait for it; a stuck or failed query is abandoned and created again
    // (a few times, then the window is retried later as a whole).
    let abandoned = 0;
    query: for (;;) {
      if (!cur.queryId) {
        const body: Record<string, unknown> = {
          '@odata.type': '#microsoft.graph.security.auditLogQuery',
          displayName: `Mailtrail ${ctx.run.runId.slice(0, 8)} ${target}`,
          filterStartDateTime: isoZ(fromMs),
          filterEndDateTime: isoZ(toMs),
        };
        if (ctx.users.length > 0) body['userPrincipalNameFilters'] = ctx.users;
        const res = await ctx.call({ resource: 'graph', method: 'POST', url: base, json: body });
        await ctx.expectOk(task, res, 'creating the audit log query');
        const q = jsonOf<QueryStatus>(res.body);
        const page = await ctx.store(res);
        if (!q?.id) {
          ctx.checkpoint(task, { page });
          throw new Error('the audit log query was created without an id');
        }
        cur = { queryId: q.id, createdAtMs: Date.now(), polls: 0 };
        ctx.checkpoint(task, { page, cursor: cur });
      }

      // 2. Wait for it.
      if (!cur.ready) {
        let interval = ctx.tuning.ualPollIntervalMs;
        for (;;) {
          const res = await ctx.call({ resource: 'graph', method: 'GET', url: `${base}/${encodeURIComponent(cur.queryId!)}` });
          if (res.status === 404) {
            // The service no longer knows the query (expired, or created by a run long ago): start over.
            const page = await ctx.store(res);
            ctx.checkpoint(task, { page, cursor: null });
            throw new Error(`audit log query ${cur.queryId} is gone (HTTP 404); the window is queried again`);
          }
          await ctx.expectOk(task, res, 'reading the audit log query status');
          const q = jsonOf<QueryStatus>(res.body) ?? {};
          const status = q.status ?? 'unknown';
          if (status === 'succeeded') {
            const declared = typeof q.approximateReturnedRecordCount === 'number' ? q.approximateReturnedRecordCount : null;
            const limit = typeof q.recordCountLimit === 'number' && q.recordCountLimit > 0 ? Math.min(q.recordCountLimit, safe) : safe;
            const full = q.isRecordCountLimitExceeded === true || (declared !== null && declared >= limit);
            const page = await ctx.store(res, { declared });
            if (full && canSplit) {
              split(page, declared);
              return;
            }
            cur = { ...cur, ready: true, next: null, limit, truncated: full };
            ctx.checkpoint(task, {
              page,
              cursor: cur,
              declared,
              ...(full
                ? {
                    gap: {
                      kind: 'truncated' as const,
                      fromUs: fromMs * 1000,
                      toUs: toMs * 1000,
                      target,
                      detail: `the audit log query for ${target} still ${q.isRecordCountLimitExceeded ? 'exceeded its record count limit' : `declared ${declared} records (safe size ${limit})`} at the minimum window length; records beyond what the service returned may be missing`,
                      evidenceId: page.evidenceId,
                    },
                  }
                : {}),
            });
            break;
          }
          if (status === 'failed' || status === 'cancelled') {
            const page = await ctx.store(res);
            ctx.checkpoint(task, { page, cursor: null });
            cur = {};
            if (++abandoned < ctx.tuning.ualQueryAttempts) continue query;
            throw new Error(`audit log query for ${target} ended ${status} (${abandoned} queries)`);
          }
          cur = { ...cur, polls: (cur.polls ?? 0) + 1 };
          const elapsed = Date.now() - (cur.createdAtMs ?? Date.now());
          const page = await ctx.store(res);
          if (elapsed > ctx.tuning.ualQueryTimeoutMs) {
            ctx.checkpoint(task, { page, cursor: null });
            cur = {};
            if (++abandoned < ctx.tuning.ualQueryAttempts) continue query;
            throw new Error(
              `audit log query for ${target} still ${status} after ${Math.round(elapsed / 1000)} s (stuck; ${abandoned} queries abandoned)`,
            );
          }
          ctx.checkpoint(task, { page, cursor: cur });
          await sleep(interval, ctx.signal);
          interval = Math.min(ctx.tuning.ualPollMaxIntervalMs, interval * 2);
        }
      }
      break;
    }

    // 3. Read the records.
    let url: string = cur.next ?? `${base}/${encodeURIComponent(cur.queryId!)}/records`;
    let selfLinks = 0;
    let prefetched: Promise<ApiResponse> | null = null;
    for (;;) {
      const res: ApiResponse = await (prefetched ?? ctx.call({ resource: 'graph', method: 'GET', url }));
      prefetched = null;
      if (res.status === 404 || res.status === 400) {
        const page = await ctx.store(res);
        ctx.checkpoint(task, { page, cursor: null });
        throw new Error(`records page of audit log query ${cur.queryId} refused (HTTP ${res.status}); the window is queried again`);
      }
      await ctx.expectOk(task, res, 'reading audit log records');
      const doc = jsonOf<{ value?: unknown[]; '@odata.nextLink'?: string }>(res.body);
      if (!doc || !Array.isArray(doc.value)) {
        const page = await ctx.store(res);
        ctx.checkpoint(task, { page });
        throw new Error('an audit log records page is not a JSON object with a value array');
      }
      const next: string | null = doc['@odata.nextLink'] ?? null;
      // Ask for the next page while this one is stored and parsed (its checkpoint still comes first).
      if (next) prefetched = prefetch(ctx.call({ resource: 'graph', method: 'GET', url: next }));
      const page = await ctx.store(res, { format: UAL_RECORDS_FORMAT });
      const received = task.received + page.counts.read;
      const full = Math.min(safe, cur.limit ?? safe);
      if (received >= full && canSplit) {
        // More than a window should hold: split rather than trust a long tail of pages.
        split(page);
        return;
      }
      if (next) {
        if (next === url && ++selfLinks > 3) throw new Error(`audit log records paging of ${target} keeps linking to the same page`);
        cur = { ...cur, next };
        ctx.checkpoint(task, { page, cursor: cur });
        url = next;
        continue;
      }
      const gap =
        received >= full && !canSplit && !cur.truncated
          ? {
              kind: 'truncated' as const,
              fromUs: fromMs * 1000,
              toUs: toMs * 1000,
              target,
              detail: `the window ${target} returned ${received} records (window limit ${full}) at the minimum window length; records beyond them may be missing`,
              evidenceId: page.evidenceId,
            }
          : undefined;
      ctx.checkpoint(task, { page, cursor: null, state: 'done', ...(gap ? { gap } : {}) });
      return;
    }
  },

  async finish(ctx) {
    const horizonMs = ctx.run.serviceNowMs() - ctx.tuning.ualRetentionDays * 86_400_000;
    if (ctx.fromUs / 1000 < horizonMs) {
      ctx.gap({
        kind: 'retention',
        fromUs: ctx.fromUs,
        toUs: Math.min(ctx.toUs, horizonMs * 1000),
        target: null,
        detail: `Audit (Standard) keeps audit records for ${ctx.tuning.ualRetentionDays} days; records before ${isoZ(horizonMs)} exist only under Audit (Premium) or a longer retention policy`,
      });
    }
  },
};
