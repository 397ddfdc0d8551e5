/**
 * Unified Audit Log through the Office 365 Management Activity API (reference §2): subscriptions
 * checked (and started when allowed), content listed per content type in ≤ 24 h windows inside the
 * 7-day horizon following `NextPageUri`, every content blob fetched and parsed as UAL JSON.
 * `PublisherIdentifier` goes on every call. Throttling arrives as HTTP 403 `AF429` (handled by the
 * API client); duplicates are expected by design and removed by the record-key dedupe (UAL `Id`).
 *
 * Blobs are listed by availability time, not event time, so listing continues past the end of the
 * range by the latency allowance; records outside the range are kept (nothing is dropped).
 */
import type { TaskRow } from '../../store/collect-repo';
import type { SourceContext } from '../context';
import { cursorOf, ServiceRefusal, type SourceCollector } from '../source';
import { isoZ, jsonOf, mgmtTime, serviceError, splitRange } from '../windows';

/** The stored plan: the horizon as judged when the run started (kept for resumes). */
interface PlanCursor {
  horizonStartMs: number;
  listEndMs: number;
}

interface ListCursor {
  next?: string;
}

interface BlobCursor {
  uri: string;
}

interface ContentEntry {
  contentType?: string;
  contentId?: string;
  contentUri?: string;
  contentCreated?: string;
  contentExpiration?: string;
}

/** The Management API blob format id of the import pipeline. */
export const MGMT_BLOB_FORMAT = 'ual-json';

const DAY = 86_400_000;

function feed(ctx: SourceContext): string {
  return `${ctx.hosts.manage}/api/v1.0/${encodeURIComponent(ctx.tenant)}/activity/feed`;
}

function publisher(ctx: SourceContext): string {
  return ctx.tuning.mgmtPublisherId ?? ctx.tenant;
}

/** Adds `PublisherIdentifier` to a URL unless present. */
export function withPublisher(url: string, publisherId: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('PublisherIdentifier')) u.searchParams.set('PublisherIdentifier', publisherId);
  return u.toString();
}

async function ensureSubscriptions(ctx: SourceContext, planTask: TaskRow): Promise<Set<string>> {
  const res = await ctx.call({ resource: 'manage', method: 'GET', url: withPublisher(`${feed(ctx)}/subscriptions/list`, publisher(ctx)) });
  await ctx.expectOk(planTask, res, 'listing Management API subscriptions');
  const page = await ctx.store(res);
  ctx.checkpoint(planTask, { page });
  const list = jsonOf<{ contentType?: string; status?: string }[]>(res.body) ?? [];
  const enabled = new Set(list.filter((s) => (s.status ?? '').toLowerCase() === 'enabled').map((s) => s.contentType ?? ''));
  for (const ct of ctx.tuning.mgmtContentTypes) {
    if (enabled.has(ct)) continue;
    if (!ctx.tuning.mgmtStartSubscriptions) {
      ctx.gap({
        kind: 'unavailable',
        target: ct,
        detail: `no Management API subscription for ${ct}; starting one was not allowed, so nothing is listed`,
      });
      continue;
    }
    const url = new URL(`${feed(ctx)}/subscriptions/start`);
    url.searchParams.set('contentType', ct);
    url.searchParams.set('PublisherIdentifier', publisher(ctx));
    const started = await ctx.call({ resource: 'manage', method: 'POST', url: url.toString(), json: {} });
    const stored = await ctx.store(started);
    ctx.checkpoint(planTask, { page: stored });
    const e = serviceError(started.body);
    if (started.status >= 200 && started.status < 300) {
      // Starting a subscription changes the tenant: journal it as an examiner action.
      ctx.session.journal.append('collect.subscription-start', {
        run_id: ctx.run.runId,
        content_type: ct,
        evidence_id: stored.evidenceId,
      });
      const at = ctx.run.serviceNowMs();
      ctx.gap({
        kind: 'subscription',
        fromUs: ctx.fromUs,
        toUs: Math.min(ctx.toUs, at * 1000),
        target: ct,
        detail: `the Management API subscription for ${ct} did not exist and was started by this collection at ${isoZ(at)}; the API only holds content made available after a subscription exists`,
        evidenceId: stored.evidenceId,
      });
      enabled.add(ct);
    } else if (!(started.status === 400 && e.code === 'AF20024')) {
      // AF20024: already enabled (a race with another client) — anything else is a refusal.
      ctx.gap({
        kind: 'unavailable',
        target: ct,
        detail: `could not start the Management API subscription for ${ct}: HTTP ${started.status}${e.code ? ` ${e.code}` : ''}${e.message ? `: ${e.message}` : ''}`,
        evidenceId: stored.evidenceId,
      });
    } else {
      enabled.add(ct);
    }
  }
  return enabled;
}

export const mgmtCollector: SourceCollector = {
  source: 'mgmt',
  windowKinds: ['list'],

  async plan(ctx) {
    ctx.plan([{ key: 'plan', kind: 'plan' }]);
    const planTask = ctx.tasks().find((t) => t.kind === 'plan');
    if (!planTask) return;
    const enabled = await ensureSubscriptions(ctx, planTask);
    let plan = cursorOf<PlanCursor>(planTask);
    if (!plan) {
      const now = ctx.run.serviceNowMs();
      // A minute of margin: a start time exactly 7 days back is refused by the time it arrives.
      const horizonStartMs = now - ctx.tuning.mgmtHorizonDays * DAY + 60_000;
      const listEndMs = Math.min(Math.ceil(ctx.toUs / 1000) + ctx.tuning.mgmtLatencyMs, now);
      plan = { horizonStartMs, listEndMs };
      ctx.checkpoint(planTask, { cursor: plan, state: 'done' });
    }
    const fromMs = Math.floor(ctx.fromUs / 1000);
    if (fromMs < plan.horizonStartMs) {
      ctx.gap({
        kind: 'horizon',
        fromUs: ctx.fromUs,
        toUs: Math.min(ctx.toUs, plan.horizonStartMs * 1000),
        target: null,
        detail: `the Management Activity API lists content of the last ${ctx.tuning.mgmtHorizonDays} days only; content made available before ${isoZ(plan.horizonStartMs)} cannot be retrieved from it (use the audit log query)`,
      });
    }
    const start = Math.max(fromMs, plan.horizonStartMs);
    const tasks = [];
    for (const ct of ctx.tuning.mgmtContentTypes) {
      if (!enabled.has(ct)) continue;
      for (const [a, b] of splitRange(start, plan.listEndMs, Math.min(ctx.tuning.mgmtWindowMs, DAY))) {
        tasks.push({ key: `list:${ct}:${a}-${b}`, kind: 'list', target: ct, fromUs: a * 1000, toUs: b * 1000 });
      }
    }
    ctx.plan(tasks);
  },

  async run(ctx, task) {
    if (task.kind === 'plan') {
      ctx.checkpoint(task, { state: 'done' });
      return;
    }
    if (task.kind === 'blob') {
      const { uri } = cursorOf<BlobCursor>(task)!;
      const res = await ctx.call({ resource: 'manage', method: 'GET', url: withPublisher(uri, publisher(ctx)) });
      if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403) {
        const e = serviceError(res.body);
        if (e.code === 'AF20051' || e.code === 'AF20050' || e.code === 'AF20052') {
          const page = await ctx.store(res);
          ctx.checkpoint(task, { page });
          throw new ServiceRefusal(
            e.code === 'AF20051' ? 'retention' : 'incomplete',
            `content blob ${task.key} (${task.target}): ${e.code === 'AF20051' ? 'expired (content is kept 7 days after it became available)' : 'not found'}: ${e.message ?? ''}`.trim(),
            page.evidenceId,
          );
        }
      }
      await ctx.expectOk(task, res, `fetching content blob ${task.key}`);
      const page = await ctx.store(res, { format: MGMT_BLOB_FORMAT });
      ctx.checkpoint(task, { page, state: 'done', cursor: null });
      return;
    }

    // A content listing window.
    const fromMs = Math.floor((task.from_us ?? 0) / 1000);
    const toMs = Math.floor((task.to_us ?? 0) / 1000);
    let url: string;
    const cur = cursorOf<ListCursor>(task);
    if (cur?.next) url = withPublisher(cur.next, publisher(ctx));
    else {
      const u = new URL(`${feed(ctx)}/subscriptions/content`);
      u.searchParams.set('contentType', task.target ?? '');
      u.searchParams.set('startTime', mgmtTime(fromMs));
      u.searchParams.set('endTime', mgmtTime(toMs));
      u.searchParams.set('PublisherIdentifier', publisher(ctx));
      url = u.toString();
    }
    for (;;) {
      const res = await ctx.call({ resource: 'manage', method: 'GET', url });
      if (res.status === 400) {
        const e = serviceError(res.body);
        if (e.code === 'AF20055' || e.code === 'AF20030' || e.code === 'AF20022' || e.code === 'AF20023') {
          const page = await ctx.store(res);
          ctx.checkpoint(task, { page });
          const horizon = e.code === 'AF20055' || e.code === 'AF20030';
          throw new ServiceRefusal(
            horizon ? 'horizon' : 'unavailable',
            `${task.target} ${isoZ(fromMs)}..${isoZ(toMs)}: ${e.code}: ${e.message ?? (horizon ? 'outside the 7-day window' : 'no subscription')}`,
            page.evidenceId,
          );
        }
      }
      await ctx.expectOk(task, res, `listing ${task.target} content`);
      const list = jsonOf<ContentEntry[]>(res.body);
      if (!Array.isArray(list)) {
        const page = await ctx.store(res);
        ctx.checkpoint(task, { page });
        throw new Error(`the ${task.target} content listing is not a JSON array`);
      }
      const page = await ctx.store(res);
      const spawn = list
        .filter((c) => c.contentUri && c.contentId)
        .map((c) => ({
          key: `blob:${c.contentId}`,
          kind: 'blob',
          target: task.target,
          cursor: { uri: c.contentUri! } satisfies BlobCursor,
        }));
      const next = res.headers['nextpageuri'];
      if (next) {
        ctx.checkpoint(task, { page, spawn, cursor: { next } satisfies ListCursor });
        url = withPublisher(next, publisher(ctx));
        continue;
      }
      ctx.checkpoint(task, { page, spawn, cursor: null, state: 'done' });
      return;
    }
  },
};
