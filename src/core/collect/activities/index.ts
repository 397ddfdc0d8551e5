/**
 * Outlook REST v2.0 Activities (reference §1), exactly as the 2018 endpoint behaved:
 * `GET /api/v2.0/Users('{upn}')/Activities` with `Prefer: exchange.behavior="ActivityAccess"`,
 * `$filter` on `TimeStamp` (bare ISO dates), `$orderby=TimeStamp asc`, `$top` ≤ 1000 and offset
 * paging with `$skip` until a short batch (there is no next link). Per mailbox and window, so an
 * offset never grows without bound; the checkpoint is the offset.
 *
 * Microsoft disabled the endpoint in mid-2018 and removed Outlook REST v2.0 in 2024: against a
 * real tenant every mailbox ends as an `unavailable` gap. It is exercised against the emulator and
 * kept for historic collections.
 */
import { cursorOf, ServiceRefusal, type SourceCollector } from '../source';
import { isoZ, jsonOf, splitRange } from '../windows';

/** The Activities format id of the import pipeline. */
export const ACTIVITIES_FORMAT = 'activities-json';

interface SkipCursor {
  skip: number;
  /** Id of the first row of the page read last: a page starting with it again is a repeat. */
  lastFirstId?: string | null;
}

/** `Users('upn')` with the UPN quoted the OData way (and `@` left readable, as clients sent it). */
export function activitiesUrl(outlook: string, upn: string): string {
  const quoted = encodeURIComponent(upn.replace(/'/g, "''")).replace(/%40/g, '@');
  return `${outlook}/api/v2.0/Users('${quoted}')/Activities`;
}

export const activitiesCollector: SourceCollector = {
  source: 'activities',
  windowKinds: ['window'],

  async plan(ctx) {
    const fromMs = Math.floor(ctx.fromUs / 1000);
    const toMs = Math.ceil(ctx.toUs / 1000);
    const tasks = [];
    for (const upn of ctx.users) {
      for (const [a, b] of splitRange(fromMs, toMs, ctx.tuning.activitiesWindowMs)) {
        tasks.push({ key: `${upn}:${a}-${b}`, kind: 'window', target: upn, fromUs: a * 1000, toUs: b * 1000 });
      }
    }
    ctx.plan(tasks);
  },

  async run(ctx, task) {
    const upn = task.target ?? '';
    const fromMs = Math.floor((task.from_us ?? 0) / 1000);
    const toMs = Math.floor((task.to_us ?? 0) / 1000);
    const top = Math.min(1000, Math.max(1, ctx.tuning.activitiesPageSize));
    const start = cursorOf<SkipCursor>(task);
    let skip = start?.skip ?? 0;
    let lastFirstId = start?.lastFirstId ?? null;
    let repeats = 0;
    for (;;) {
      const url = new URL(activitiesUrl(ctx.hosts.outlook, upn));
      url.searchParams.set('$filter', `TimeStamp ge ${isoZ(fromMs)} and TimeStamp le ${isoZ(toMs)}`);
      url.searchParams.set('$orderby', 'TimeStamp asc');
      url.searchParams.set('$top', String(top));
      url.searchParams.set('$skip', String(skip));
      const res = await ctx.call({
        resource: 'outlook',
        method: 'GET',
        url: url.toString(),
        headers: {
          prefer: 'exchange.behavior="ActivityAccess"',
          accept: 'application/json; odata.metadata=none',
          'x-anchormailbox': upn,
        },
      });
      if (res.status === 404) {
        const page = await ctx.store(res);
        ctx.checkpoint(task, { page });
        throw new ServiceRefusal(
          'unavailable',
          `Activities of ${upn}: HTTP 404 (mailbox unknown, or the endpoint no longer exists)`,
          page.evidenceId,
        );
      }
      await ctx.expectOk(task, res, `reading Activities of ${upn}`);
      const doc = jsonOf<{ value?: unknown[] }>(res.body);
      if (!doc || !Array.isArray(doc.value)) {
        const page = await ctx.store(res);
        ctx.checkpoint(task, { page });
        throw new Error(`Activities of ${upn}: the response is not a JSON object with a value array`);
      }
      const page = await ctx.store(res, { format: ACTIVITIES_FORMAT, mailbox: upn });
      const n = doc.value.length;
      const firstId = (doc.value[0] as { Id?: string } | undefined)?.Id ?? null;
      if (skip > 0 && firstId !== null && firstId === lastFirstId) {
        // Offset paging answered the previous page again: ask for this offset once more.
        if (++repeats > 3) throw new Error(`Activities of ${upn}: $skip=${skip} keeps answering the previous page`);
        ctx.checkpoint(task, { page, cursor: { skip, lastFirstId } satisfies SkipCursor });
        continue;
      }
      repeats = 0;
      if (n >= top) {
        skip += n;
        lastFirstId = firstId;
        ctx.checkpoint(task, { page, cursor: { skip, lastFirstId } satisfies SkipCursor });
        continue;
      }
      ctx.checkpoint(task, { page, cursor: null, state: 'done' });
      return;
    }
  },
};
